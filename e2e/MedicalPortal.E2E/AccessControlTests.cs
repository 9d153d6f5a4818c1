using System.Text.RegularExpressions;
using MedicalPortal.Data.Seeding;
using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E;

/// <summary>The permission model as users meet it, in real Chromium against the real portal.</summary>
[Collection(PortalTests.Name)]
public sealed partial class AccessControlTests(PortalFixture portal)
{
    [Fact]
    public async Task Admin_RemovesUpdateOnVisitFromNurse_NursesOpenSessionCanNoLongerSaveOrSeeTheEditControl()
    {
        var nurse = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        var admin = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        var roles = new RolesPage(admin);
        try
        {
            // The nurse opens a patient with visits and starts correcting one.
            await new LoginPage(nurse).SignInAsync("nurse@clinic.test");
            var list = new PatientListPage(nurse);
            await list.GotoAsync();
            await list.SearchAsync("D000001");
            await list.Row("D000001").ClickAsync();
            var editButtons = nurse.GetByRole(AriaRole.Button, new() { Name = "Edit visit" });
            await Expect(editButtons.First).ToBeVisibleAsync();
            await editButtons.First.ClickAsync();
            var dialog = nurse.GetByRole(AriaRole.Dialog);
            await dialog.TypeAsync("Reason for visit", "Corrected by the nurse");

            // Meanwhile the admin takes Update on Visit away from the Nurse role.
            await new LoginPage(admin).SignInAsync("admin@clinic.test");
            await roles.GotoAsync();
            await roles.SelectAsync("Nurse");
            await roles.SetAsync("Nurse", "Update", "Visit", granted: false);
            await admin.CaptureAsync("10-nurse-without-visit-update");

            // The nurse's save, in the session opened before the change, is refused.
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            await Expect(dialog.GetByText("Your role does not allow changing Visit records.")).ToBeVisibleAsync();
            await nurse.CaptureAsync("11-nurse-save-refused");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

            // And the edit control is gone, in the same open session.
            await Expect(editButtons).ToHaveCountAsync(0);
            await Expect(nurse.GetByText("Corrected by the nurse")).ToHaveCountAsync(0);
        }
        catch
        {
            await nurse.CaptureAsync("failure-nurse");
            await admin.CaptureAsync("failure-admin");
            throw;
        }
        finally
        {
            await nurse.Context.CloseAsync();
            await admin.Context.CloseAsync();
            await RestoreNurseVisitUpdateAsync();
        }
    }

    [Fact]
    public async Task SelfRegistration_NewPatient_SeesOnlyTheirOwnRecord()
    {
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        var family = "Selfreg" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(6));
        try
        {
            await new RegisterPage(page).RegisterAsync(
                "Robin", family, "1990-05-17", "Female", $"{family.ToLowerInvariant()}@example.com", "a long enough passphrase");

            // Straight to their own record, signed in, with the Patient role only.
            await Expect(page).ToHaveURLAsync(MyRecordUrl());
            await Expect(page.GetByTestId("my-name")).ToHaveTextAsync($"Robin {family}");
            await Expect(new AppBar(page).SignedInAs).ToContainTextAsync($"Robin {family}");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Patients", Exact = true })).ToHaveCountAsync(0);
            await page.CaptureAsync("12-my-record");

            // The patient list, reached by address, shows nobody else.
            var list = new PatientListPage(page);
            await list.GotoAsync();
            await Expect(list.Rows).ToHaveCountAsync(1);
            await Expect(list.Rows.First).ToContainTextAsync(family);
            await list.SearchAsync("a");
            await Expect(list.Rows.Filter(new() { HasNotText = family })).ToHaveCountAsync(0);

            // Another patient's record, by its id, is answered as if it did not exist.
            await page.GotoAsync($"/patients/{DemoData.DemoPatientId(5)}");
            await Expect(page.GetByTestId("page-error")).ToHaveTextAsync("The patient record was not found.");
        }
        catch
        {
            await page.CaptureAsync("failure-self-registration");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksTheAccountEvenForTheRightPassword()
    {
        // A fresh account of its own, so locking it disturbs no other test.
        var family = "Lockout" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(6));
        var email = $"{family.ToLowerInvariant()}@example.com";
        const string password = "the right passphrase";
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new RegisterPage(page).RegisterAsync("Lee", family, "1975-02-03", "Male", email, password);
            await Expect(page).ToHaveURLAsync(MyRecordUrl());
            await new AppBar(page).SignOutAsync();

            for (var attempt = 1; attempt <= 4; attempt++)
            {
                await TrySignInAsync(page, email, $"wrong passphrase {attempt}");
                await Expect(page.GetByText("Error: Wrong e-mail or password.")).ToBeVisibleAsync();
            }

            await TrySignInAsync(page, email, "wrong passphrase 5");
            await Expect(page).ToHaveURLAsync(LockoutUrl());
            await page.CaptureAsync("13-locked-out");

            await TrySignInAsync(page, email, password);
            await Expect(page).ToHaveURLAsync(LockoutUrl());
        }
        catch
        {
            await page.CaptureAsync("failure-lockout");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Puts the default back for the other tests sharing this portal, through the same screen.</summary>
    private async Task RestoreNurseVisitUpdateAsync()
    {
        var admin = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new LoginPage(admin).SignInAsync("admin@clinic.test");
            var roles = new RolesPage(admin);
            await roles.GotoAsync();
            await roles.SelectAsync("Nurse");
            if (!await roles.Permission("Nurse", "Update", "Visit").IsCheckedAsync())
            {
                await roles.SetAsync("Nurse", "Update", "Visit", granted: true);
            }
        }
        finally
        {
            await admin.Context.CloseAsync();
        }
    }

    private static async Task TrySignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    [GeneratedRegex("/my-record$")]
    private static partial Regex MyRecordUrl();

    [GeneratedRegex("/Account/Lockout$")]
    private static partial Regex LockoutUrl();
}
