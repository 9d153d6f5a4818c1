using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E.Journeys;

/// <summary>
/// A nurse records a visit with the keyboard alone, in real Chromium: every control is reached with Tab, shows where the
/// focus is, and works with Enter, Space and the arrow keys; axe-core checks each screen.
/// </summary>
[Collection(PortalTests.Name)]
public sealed class ClinicianKeyboardJourneyTests(PortalFixture portal)
{
    [Fact]
    public async Task Nurse_FindsAPatientAndRecordsAVisit_WithTheKeyboardOnly()
    {
        var reason = "Keyboard check " + string.Concat(Guid.NewGuid().ToString("N").Take(6));
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new LoginPage(page).SignInAsync("nurse@clinic.test");

            // The first Tab offers to skip the menus.
            await page.GotoAsync("/patients");
            await page.Keyboard.PressAsync("Tab");
            var skip = page.GetByRole(AriaRole.Link, new() { Name = "Skip to main content" });
            await Expect(skip).ToBeFocusedAsync();
            await Expect(skip).ToBeInViewportAsync();
            await page.Keyboard.PressAsync("Enter");

            // Find the patient: type in the search box, open the record from the row's link.
            var search = page.GetByPlaceholder("Search by name, MRN or birth date");
            await Expect(search).ToBeEnabledAsync();
            await page.TabToAsync(search);
            await page.Keyboard.TypeAsync("D000011");
            var link = page.Locator("tbody tr.patient-row").Filter(new() { HasText = "D000011" }).GetByRole(AriaRole.Link);
            await Expect(link).ToHaveCountAsync(1);
            await page.TabToAsync(link);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByTestId("mrn")).ToHaveTextAsync("D000011");

            // Record a visit: a follow-up, chosen with the arrow keys.
            var record = page.GetByRole(AriaRole.Button, new() { Name = "Record visit" });
            await Expect(record).ToBeEnabledAsync();
            await page.TabToAsync(record);
            await page.Keyboard.PressAsync("Enter");
            var dialog = page.GetByRole(AriaRole.Dialog);
            await dialog.WaitForAsync();
            await page.ExpectAccessibleAsync("nurse-record-visit");

            await page.TabToAsync(dialog.GetByLabel("Visit type", new() { Exact = true }));
            await page.Keyboard.PressAsync("Enter");
            await page.Locator(".mud-popover-open").WaitForAsync();
            await page.Keyboard.PressAsync("ArrowDown");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
            await Expect(dialog.GetByRole(AriaRole.Combobox, new() { Name = "Visit type" })).ToContainTextAsync("Follow-up");

            await TypeIntoAsync(page, dialog, "Reason for visit", reason);
            await TypeIntoAsync(page, dialog, "Weight (kg)", "72.5");
            await TypeIntoAsync(page, dialog, "Systolic (mmHg)", "124");
            await TypeIntoAsync(page, dialog, "Diastolic (mmHg)", "79");
            await TypeIntoAsync(page, dialog, "Heart rate (/min)", "66");
            await TypeIntoAsync(page, dialog, "Diagnoses (ICD-10)", "I10");

            var save = dialog.GetByRole(AriaRole.Button, new() { Name = "Record visit", Exact = true });
            await page.TabToAsync(save);
            await page.Keyboard.PressAsync("Enter");
            await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });

            var row = page.Locator(".mud-table-body tr").Filter(new() { HasText = reason });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row).ToContainTextAsync("124/79");
            await Expect(row).ToContainTextAsync("Follow-up");
            await page.ExpectAccessibleAsync("nurse-patient-with-visit");
            await page.CaptureAsync("34-keyboard-visit");
        }
        catch
        {
            await page.CaptureAsync("failure-keyboard-visit");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task TypeIntoAsync(IPage page, ILocator dialog, string label, string text)
    {
        await page.TabToAsync(dialog.GetByLabel(label, new() { Exact = true }));
        await page.Keyboard.TypeAsync(text);
    }
}
