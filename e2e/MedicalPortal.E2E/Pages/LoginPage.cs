using Microsoft.Playwright;

namespace MedicalPortal.E2E.Pages;

/// <summary>The Identity sign-in page (static server rendering, as in the template).</summary>
public sealed class LoginPage(IPage page)
{
    public const string DemoPassword = "Clinic-Demo-2026!";

    public async Task SignInAsync(string email, string password = DemoPassword)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.GetByTestId("signed-in-as").WaitForAsync();
    }
}
