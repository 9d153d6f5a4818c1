using Microsoft.Playwright;

namespace MedicalPortal.E2E.Pages;

/// <summary>/Account/Register: patient self-registration (a static Identity page).</summary>
public sealed class RegisterPage(IPage page)
{
    public async Task RegisterAsync(string given, string family, string birthDate, string sex, string email, string password)
    {
        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("Given name").FillAsync(given);
        await page.GetByLabel("Family name").FillAsync(family);
        await page.GetByLabel("Birth date").FillAsync(birthDate);
        await page.GetByLabel("Sex").SelectOptionAsync(new SelectOptionValue { Label = sex });
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password (at least 12 characters)").FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
    }
}
