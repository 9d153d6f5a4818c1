using System.Text.RegularExpressions;
using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E.Journeys;

/// <summary>
/// The front desk and a patient at home, in real Chromium; axe-core checks each screen.
/// </summary>
[Collection(PortalTests.Name)]
public sealed partial class FrontDeskJourneyTests(PortalFixture portal)
{
    [Fact]
    public async Task Receptionist_RegistersFindsAndCorrectsAPatient_ButCannotRecordAVisit()
    {
        var family = "Desk" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(8).Select(char.ToLowerInvariant));
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new LoginPage(page).SignInAsync("reception@clinic.test");
            var list = new PatientListPage(page);
            await list.GotoAsync();
            await page.ExpectAccessibleAsync("reception-patients");

            // Registered at the desk.
            var register = await list.OpenRegisterDialogAsync();
            await register.FillAsync("Ada", family, "1979-11-23", "Female");
            await register.SetPhoneAsync("555 010 3030");
            await page.ExpectAccessibleAsync("reception-register-patient");
            await register.SubmitAsync("Register");
            await Expect(page).ToHaveURLAsync(PatientUrl());
            var record = new PatientPage(page);
            await Expect(record.Heading).ToHaveTextAsync($"Ada {family}");
            await page.ExpectAccessibleAsync("reception-patient");

            // Found again by name from the list.
            await list.GotoAsync();
            await list.SearchAsync(family);
            await Expect(list.Rows).ToHaveCountAsync(1);
            await list.Row(family).GetByRole(AriaRole.Link, new() { Name = family }).ClickAsync();
            await Expect(record.Heading).ToHaveTextAsync($"Ada {family}");

            // The phone number was mistyped: corrected.
            var edit = await record.OpenEditDialogAsync();
            await edit.SetPhoneAsync("555 010 3031");
            await page.ExpectAccessibleAsync("reception-edit-patient");
            await edit.SubmitAsync("Save");
            await edit.Root.WaitForAsync(new() { State = WaitForSelectorState.Detached });
            await Expect(page.GetByTestId("contact-phone")).ToHaveTextAsync("555 010 3031");

            // Visits are the clinicians': the desk sees no way to record one.
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Record visit" })).ToHaveCountAsync(0);
            await page.CaptureAsync("32-reception-journey");
        }
        catch
        {
            await page.CaptureAsync("failure-reception-journey");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Patient_UpdatesTheirOwnContactDetails()
    {
        var family = "Home" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(8).Select(char.ToLowerInvariant));
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new RegisterPage(page).RegisterAsync(
                "Noor", family, "1992-02-14", "Female", $"{family}@example.com", "my own record at home");
            await Expect(page).ToHaveURLAsync(MyRecordUrl());
            var update = page.GetByRole(AriaRole.Button, new() { Name = "Update my contact details" });
            await Expect(update).ToBeEnabledAsync();
            await page.ExpectAccessibleAsync("patient-my-record");

            await update.ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await dialog.TypeAsync("Phone", "555 010 4040");
            await dialog.TypeAsync("Street address", "12 Elm Street");
            await dialog.TypeAsync("City", "Springfield");
            await dialog.TypeAsync("State", "IL");
            await dialog.TypeAsync("ZIP code", "62704");
            await page.ExpectAccessibleAsync("patient-contact-details");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });

            // Shown at once, and kept.
            await Expect(page.GetByText("555 010 4040")).ToBeVisibleAsync();
            await page.ReloadAsync();
            await Expect(page.GetByText("555 010 4040")).ToBeVisibleAsync();
            await Expect(page.GetByText("12 Elm Street", new() { Exact = false })).ToBeVisibleAsync();
            await page.CaptureAsync("33-patient-journey");
        }
        catch
        {
            await page.CaptureAsync("failure-patient-journey");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [GeneratedRegex(@"/patients/[0-9a-f-]{36}$")]
    private static partial Regex PatientUrl();

    [GeneratedRegex("/my-record$")]
    private static partial Regex MyRecordUrl();
}
