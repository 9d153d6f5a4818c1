using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E.Journeys;

/// <summary>An administrator looks after a staff account from its first day, in real Chromium; axe-core checks each screen.</summary>
[Collection(PortalTests.Name)]
public sealed class AdminJourneyTests(PortalFixture portal)
{
    [Fact]
    public async Task Admin_CreatesLocksRerolesAndResetsAStaffAccount_AndTheMemberFeelsEachChange()
    {
        var suffix = string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(8));
        var email = $"staff.{suffix}@clinic.test";
        const string firstPassword = "first day at the clinic desk";
        const string newPassword = "a fresh start after the reset";
        var admin = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        var member = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new LoginPage(admin).SignInAsync("admin@clinic.test");
            await admin.GotoAsync("/admin/accounts");
            var button = admin.GetByRole(AriaRole.Button, new() { Name = "New staff account" });
            await Expect(button).ToBeEnabledAsync();
            await admin.ExpectAccessibleAsync("admin-accounts");

            // A new nurse's account.
            await button.ClickAsync();
            var dialog = admin.GetByRole(AriaRole.Dialog);
            await dialog.TypeAsync("Name", $"Alex {suffix}");
            await dialog.TypeAsync("E-mail", email);
            await dialog.SelectAsync(admin, "Role", "Nurse");
            await dialog.TypeAsync("First password", firstPassword);
            await admin.ExpectAccessibleAsync("admin-new-staff-account");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Open account" }).ClickAsync();
            await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
            var row = admin.Locator("tr").Filter(new() { HasText = email });
            await Expect(row).ToContainTextAsync("Active");
            var role = row.Locator("div.mud-select").First;
            await Expect(role.Locator("input").First).ToHaveValueAsync("Nurse");

            // The nurse signs in and finds patients.
            await new LoginPage(member).SignInAsync(email, firstPassword);
            await Expect(member.GetByRole(AriaRole.Link, new() { Name = "Patients", Exact = true })).ToBeVisibleAsync();
            await new AppBar(member).SignOutAsync();

            // Locked: the sign-in is refused.
            await row.GetByRole(AriaRole.Button, new() { Name = "Lock" }).ClickAsync();
            await Expect(row).ToContainTextAsync("Locked");
            await SignInAsync(member, email, firstPassword);
            await Expect(member).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Lockout$"));
            await member.ExpectAccessibleAsync("locked-out");

            // Unlocked and made a receptionist: the patient list stays, visits cannot be recorded.
            await row.GetByRole(AriaRole.Button, new() { Name = "Unlock" }).ClickAsync();
            await Expect(row).ToContainTextAsync("Active");
            await role.ClickAsync();
            await admin.Locator(".mud-popover-open").GetByText("Receptionist", new() { Exact = true }).ClickAsync();
            await Expect(admin.GetByText($"{email} is now Receptionist.")).ToBeVisibleAsync();

            // A new password, told in person: the first no longer opens the account, the new one does, as a receptionist.
            await row.GetByRole(AriaRole.Button, new() { Name = "Reset password" }).ClickAsync();
            var reset = admin.GetByRole(AriaRole.Dialog);
            await reset.TypeAsync("New password (at least 12 characters)", newPassword);
            await admin.ExpectAccessibleAsync("admin-reset-password");
            await reset.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
            await Expect(admin.GetByText("The new password is set; the account's open sessions have ended.")).ToBeVisibleAsync();

            await SignInAsync(member, email, firstPassword);
            await Expect(member.GetByText("Error: Wrong e-mail or password.")).ToBeVisibleAsync();
            await new LoginPage(member).SignInAsync(email, newPassword);
            await Expect(new AppBar(member).SignedInAs).ToContainTextAsync($"Alex {suffix}");
            await Expect(member.GetByText("Receptionist", new() { Exact = true })).ToBeVisibleAsync();
            await admin.CaptureAsync("30-admin-journey");
        }
        catch
        {
            await admin.CaptureAsync("failure-admin-journey");
            await member.CaptureAsync("failure-admin-journey-member");
            throw;
        }
        finally
        {
            await admin.Context.CloseAsync();
            await member.Context.CloseAsync();
        }
    }

    // A sign-in that is expected to fail: the page stays on the form.
    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }
}
