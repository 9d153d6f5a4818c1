using Microsoft.Playwright;

namespace MedicalPortal.E2E.Pages;

/// <summary>/patients: the searchable, paged list of patients.</summary>
public sealed class PatientListPage(IPage page)
{
    public ILocator Rows => page.Locator("tbody tr.patient-row");

    public async Task GotoAsync()
    {
        await page.GotoAsync("/patients");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Patients", Level = 1 }).WaitForAsync();

        // The search box is enabled once the page is interactive and its first load has started.
        await Assertions.Expect(page.GetByPlaceholder("Search by name, MRN or birth date")).ToBeEnabledAsync();
    }

    public async Task SearchAsync(string text)
    {
        var search = page.GetByPlaceholder("Search by name, MRN or birth date");
        await search.FillAsync(text);
    }

    public ILocator Row(string text) => Rows.Filter(new() { HasText = text });

    public async Task<PatientFormDialog> OpenRegisterDialogAsync()
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Register patient" }).ClickAsync();
        var dialog = new PatientFormDialog(page);
        await dialog.Root.WaitForAsync();
        return dialog;
    }
}
