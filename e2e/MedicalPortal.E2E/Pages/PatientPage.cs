using Microsoft.Playwright;

namespace MedicalPortal.E2E.Pages;

/// <summary>/patients/{id}: one patient's record and visits.</summary>
public sealed class PatientPage(IPage page)
{
    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Mrn => page.GetByTestId("mrn");

    public ILocator VisitRows => page.Locator(".mud-table-body tr");

    public async Task<PatientFormDialog> OpenEditDialogAsync()
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit patient" }).ClickAsync();
        var dialog = new PatientFormDialog(page);
        await dialog.Root.WaitForAsync();
        return dialog;
    }

    public async Task RecordVisitAsync(string reason, string systolic, string diastolic, string codes)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Record visit" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.WaitForAsync();
        await dialog.TypeAsync("Reason for visit", reason);
        await dialog.TypeAsync("Systolic (mmHg)", systolic);
        await dialog.TypeAsync("Diastolic (mmHg)", diastolic);
        await dialog.TypeAsync("Diagnoses (ICD-10)", codes);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Record visit", Exact = true }).ClickAsync();
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }
}
