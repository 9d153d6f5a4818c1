using Microsoft.Playwright;

namespace MedicalPortal.E2E.Pages;

/// <summary>The register / edit patient dialog.</summary>
public sealed class PatientFormDialog(IPage page)
{
    public ILocator Root => page.GetByRole(AriaRole.Dialog);

    public ILocator Conflict => Root.GetByTestId("conflict");

    public async Task FillAsync(string given, string family, string birthDate, string sex)
    {
        // The drop-down first: its list is long closed by the time the form is submitted.
        await Root.SelectAsync(page, "Sex", sex);
        await Root.TypeAsync("Given name", given);
        await Root.TypeAsync("Family name", family);
        await Root.TypeAsync("Birth date", birthDate);
    }

    public Task SetPhoneAsync(string phone) => Root.TypeAsync("Phone", phone);

    public async Task SubmitAsync(string button) =>
        await Root.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
}
