using Bunit;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Roles;
using MedicalPortal.Web.Components.Pages.Admin;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Pages.Admin;

/// <summary>The staff accounts screen: what an administrator may do to each account, and what a viewer only sees.</summary>
public sealed class AccountsTests : ComponentTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Render_Admin_ListsEachAccountWithItsRoleStatusAndActions()
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Admin);
        var account = await CreateAsync("tess.staffer@clinic.test", RoleNames.Nurse);

        // Act
        var cut = this.RenderInLayout<Accounts>();

        // Assert
        cut.WaitForAssertion(() => Assert.Contains("Tess Staffer", Row(cut, account.Email).TextContent, StringComparison.Ordinal), Patience);
        var row = Row(cut, account.Email);
        Assert.Contains("Active", row.TextContent, StringComparison.Ordinal);
        Assert.Equal(["Lock", "Reset password"], row.QuerySelectorAll("button.mud-button-root:not(.mud-icon-button)").Select(b => b.TextContent.Trim()));
        Assert.NotNull(row.QuerySelector($"button[aria-label='Delete {account.Email}']"));
        Assert.NotNull(row.QuerySelector(".mud-select"));
        Assert.False(cut.FindAll("button").Single(b => b.TextContent.Trim() == "New staff account").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Lock_ThenUnlock_TheRowFollowsAndTheAccountIsClosedThenOpen()
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Admin);
        var account = await CreateAsync("lou.lockable@clinic.test", RoleNames.Receptionist);
        var cut = this.RenderInLayout<Accounts>();
        cut.WaitForAssertion(() => Assert.NotNull(Row(cut, account.Email)), Patience);

        // Act: lock
        await cut.InvokeAsync(() => Button(Row(cut, account.Email), "Lock").Click());

        // Assert
        cut.WaitForAssertion(() => Assert.Contains("Locked", Row(cut, account.Email).TextContent, StringComparison.Ordinal), Patience);
        Assert.True((await StaffAsync(account.Email)).IsLockedOut);

        // Act: unlock
        await cut.InvokeAsync(() => Button(Row(cut, account.Email), "Unlock").Click());

        // Assert
        cut.WaitForAssertion(() => Assert.Contains("Active", Row(cut, account.Email).TextContent, StringComparison.Ordinal), Patience);
        Assert.False((await StaffAsync(account.Email)).IsLockedOut);
    }

    [Fact]
    public async Task Render_RoleThatMayOnlyViewAccounts_SeesThemWithoutAnyControl()
    {
        // Arrange: the Nurse role is given Retrieve on accounts, and nothing else on them.
        await this.AddTestServicesAsync(RoleNames.Nurse);
        await Services.GetRequiredService<IRoleDirectory>().GrantAsync(AuditActor.System, RoleNames.Nurse, Resource.Account, Operations.Retrieve, CancellationToken.None);
        var account = await CreateAsync("vic.viewed@clinic.test", RoleNames.Doctor);

        // Act
        var cut = this.RenderInLayout<Accounts>();

        // Assert: the role as text; no select, no button, no "New staff account".
        cut.WaitForAssertion(() => Assert.Contains(RoleNames.Doctor, Row(cut, account.Email).TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(Row(cut, account.Email).QuerySelectorAll("button, .mud-select"));
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() == "New staff account");
    }

    private async Task<AccountDto> CreateAsync(string email, string role) =>
        await Services.GetRequiredService<AccountService>().CreateStaffAsync(
            new StaffUser(RoleNames.Admin),
            new StaffAccountInput
            {
                Email = email,
                DisplayName = string.Join(' ', email.Split('@')[0].Split('.').Select(p => char.ToUpperInvariant(p[0]) + p[1..])),
                Role = role,
                Password = "Synthetic-Staff-Pass-2026",
            },
            CancellationToken.None);

    private async Task<AccountDto> StaffAsync(string email) =>
        (await Services.GetRequiredService<AccountService>().ListStaffAsync(new StaffUser(RoleNames.Admin), CancellationToken.None))
        .Single(a => a.Email == email);

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<IComponent> cut, string email) =>
        cut.FindAll("tr").Single(r => r.TextContent.Contains(email, StringComparison.Ordinal));

    private static AngleSharp.Dom.IElement Button(AngleSharp.Dom.IElement row, string text) =>
        row.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == text);
}
