using Bunit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Components.Pages;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Components.Pages;

/// <summary>The start page offers each staff role the areas its rights open.</summary>
public sealed class HomeTests : ComponentTestContext
{
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(RoleNames.Admin, new[] { "Open patients", "Open studies", "Manage account" })]
    [InlineData(RoleNames.Doctor, new[] { "Open patients", "Open studies", "Manage account" })]
    [InlineData(RoleNames.Nurse, new[] { "Open patients", "Open studies", "Manage account" })]
    [InlineData(RoleNames.Receptionist, new[] { "Open patients", "Open studies", "Manage account" })]
    [InlineData(RoleNames.Researcher, new[] { "Open studies", "Manage account" })]
    public async Task Render_StaffRole_OffersTheAreasItsRightsOpen(string role, string[] expected)
    {
        // Arrange
        await this.AddTestServicesAsync(role);

        // Act
        var cut = Render<Home>();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(expected, cut.FindAll(".mud-card-actions a").Select(a => a.TextContent.Trim())), _patience);
    }
}
