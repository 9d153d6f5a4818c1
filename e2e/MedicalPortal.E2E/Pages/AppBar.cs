using Microsoft.Playwright;

namespace MedicalPortal.E2E.Pages;

public sealed class AppBar(IPage page)
{
    public ILocator SignedInAs => page.GetByTestId("signed-in-as");

    public ILocator SignIn => page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First;

    public async Task SignOutAsync()
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await SignIn.WaitForAsync();
    }
}
