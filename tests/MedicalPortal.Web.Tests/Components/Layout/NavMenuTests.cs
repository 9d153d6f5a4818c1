using System.Security.Claims;
using Bunit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Components.Layout;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Components.Layout;

/// <summary>The menu offers each role the pages its rights open, and nothing else.</summary>
public sealed class NavMenuTests : ComponentTestContext
{
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    public static TheoryData<string, string[]> LinksByRole { get; } = new()
    {
        {
            RoleNames.Admin,
            ["Home", "Patients", "Studies", "Staff accounts", "Roles", "Audit trail", "Audit integrity", "System", "My account"]
        },
        { RoleNames.Doctor, ["Home", "Patients", "Studies", "My account"] },
        { RoleNames.Nurse, ["Home", "Patients", "Studies", "My account"] },
        { RoleNames.Receptionist, ["Home", "Patients", "Studies", "My account"] },
        { RoleNames.Researcher, ["Home", "Studies", "My account"] },
        { RoleNames.Patient, ["Home", "My record", "My account"] },
    };

    [Theory]
    [MemberData(nameof(LinksByRole))]
    public async Task Render_EachSeededRole_LinksExactlyThePagesItsRightsOpen(string role, string[] expected)
    {
        // Arrange: a Patient-role account is linked to its record, as self-registration links it.
        var authorization = await this.AddTestServicesAsync(role);
        if (role == RoleNames.Patient)
        {
            authorization.SetClaims(
                new Claim(ClaimTypes.NameIdentifier, "test-account-0001"),
                new Claim(PortalClaimTypes.PatientId, Guid.CreateVersion7().ToString()));
        }

        // Act
        var cut = Render<NavMenu>();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(expected, cut.FindAll("a.mud-nav-link").Select(a => a.TextContent.Trim())), _patience);
    }
}
