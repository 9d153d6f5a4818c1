using AngleSharp.Dom;
using Bunit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Components.Pages.Admin;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace MedicalPortal.Web.Tests.Components.Pages.Admin;

/// <summary>The Roles screen offers the Patient role only rights that stop at the own record, and says why inline.</summary>
public sealed class RolesTests : ComponentTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("Create", "Account")]
    [InlineData("Retrieve", "Account")]
    [InlineData("Retrieve", "Role")]
    [InlineData("Retrieve", "Audit log")]
    [InlineData("Retrieve", "Export")]
    [InlineData("Create", "Study")]
    [InlineData("Update", "Study")]
    public async Task Render_PatientRole_RightsOnRecordsOfNoPatientNotOffered(string operation, string resource)
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Admin);
        var cut = RenderInLayoutOfRoles();

        // Act
        Select(cut, RoleNames.Patient);

        // Assert
        cut.WaitForAssertion(() => Assert.True(CheckBox(cut, RoleNames.Patient, operation, resource).HasAttribute("disabled")), Patience);
        Assert.Contains("nothing on records that belong to no patient", Text(cut, "patient-role-note"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Retrieve", "Study")]
    [InlineData("Delete", "Patient")]
    [InlineData("Update", "Visit")]
    [InlineData("Update", "Enrollment")]
    public async Task Render_PatientRole_OwnRecordRightsAndViewingStudiesOffered(string operation, string resource)
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Admin);
        var cut = RenderInLayoutOfRoles();

        // Act
        Select(cut, RoleNames.Patient);

        // Assert
        cut.WaitForAssertion(() => Assert.False(CheckBox(cut, RoleNames.Patient, operation, resource).HasAttribute("disabled")), Patience);
    }

    [Fact]
    public async Task Render_StaffRole_RightsOnEveryRecordOffered()
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Admin);
        var cut = RenderInLayoutOfRoles();

        // Act
        Select(cut, RoleNames.Nurse);

        // Assert
        cut.WaitForAssertion(() => Assert.False(CheckBox(cut, RoleNames.Nurse, "Create", "Account").HasAttribute("disabled")), Patience);
        Assert.Empty(cut.FindAll("[data-testid='patient-role-note']"));
    }

    [Fact]
    public async Task Toggle_RefusedChange_MessageNextToTheMatrix()
    {
        // Arrange: Admin must keep viewing roles, so taking that away is refused.
        await this.AddTestServicesAsync(RoleNames.Admin);
        var cut = RenderInLayoutOfRoles();
        cut.WaitForAssertion(() => Assert.Equal(RoleNames.Admin, cut.Find("[data-testid='selected-role']").TextContent), Patience);

        // Act
        CheckBox(cut, RoleNames.Admin, "Retrieve", "Role").Change(false);

        // Assert
        cut.WaitForAssertion(() => Assert.Contains("Admin must keep Retrieve and Update on Role", Text(cut, "grant-error"), StringComparison.Ordinal), Patience);
        Assert.Empty(cut.FindAll("[data-testid='roles-error']"));
    }

    private IRenderedComponent<IComponent> RenderInLayoutOfRoles() => this.RenderInLayout<Roles>();

    private static void Select(IRenderedComponent<IComponent> cut, string role)
    {
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid='role-list'] .mud-list-item")), Patience);
        cut.FindAll("[data-testid='role-list'] .mud-list-item").Single(item => item.TextContent.Contains(role, StringComparison.Ordinal)).Click();
        cut.WaitForAssertion(() => Assert.Equal(role, cut.Find("[data-testid='selected-role']").TextContent), Patience);
    }

    /// <summary>The text of the element with <paramref name="testId"/>, its white space collapsed.</summary>
    private static string Text(IRenderedComponent<IComponent> cut, string testId) =>
        string.Join(' ', cut.Find($"[data-testid='{testId}']").TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The check box of one cell, found by its accessible name (the text its <c>aria-labelledby</c> points at).</summary>
    private static IElement CheckBox(IRenderedComponent<IComponent> cut, string role, string operation, string resource)
    {
        var label = cut.FindAll("span.mud-sr-only").Single(span => span.TextContent == $"{role} may {operation} {resource}");
        return cut.Find($"input[aria-labelledby='{label.Id}']");
    }
}
