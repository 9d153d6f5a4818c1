using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E;

/// <summary>
/// The dark theme: it follows the computer's setting (on the pages rendered before a circuit, and live on an open
/// page), the app bar switches it, and the choice stays with the person on another computer until they give it back
/// to the system on their profile page.
/// </summary>
[Collection(PortalTests.Name)]
public sealed class ColorSchemeTests(PortalFixture portal)
{
    [Fact]
    public async Task ComputerSetToDark_PagesAreDark_AndAnOpenPageFollowsTheSettingWhenItChanges()
    {
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl, ColorScheme.Dark);
        try
        {
            // The sign-in page (no circuit) is already dark; so is the home page once signed in.
            await page.GotoAsync("/");
            await page.GotoAsync("/Account/Login");
            await ExpectDarkAsync(page, true);
            await new LoginPage(page).SignInAsync("nurse@clinic.test");
            await ExpectDarkAsync(page, true);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Use the light theme" })).ToBeVisibleAsync();
            await page.CaptureAsync("40-home-dark");

            // The computer turns light while the page is open: the page follows without being reloaded.
            await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Light });
            await ExpectDarkAsync(page, false);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Use the dark theme" })).ToBeVisibleAsync();
        }
        catch
        {
            await page.CaptureAsync("failure-color-scheme-system");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task DarkChosenInTheAppBar_FollowsThePersonToAnotherComputer_UntilTheyMatchTheirComputerAgain()
    {
        // An account of its own: the choice is kept on the account, and no other test should inherit it.
        var family = "Theme" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(6));
        var email = $"{family.ToLowerInvariant()}@example.com";
        const string password = "a long enough passphrase";
        var desk = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        var laptop = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new RegisterPage(desk).RegisterAsync("Dana", family, "1981-04-05", "Female", email, password);
            await desk.GetByTestId("signed-in-as").WaitForAsync();
            await ExpectDarkAsync(desk, false);

            // The switch turns this page dark and keeps it so.
            var page = desk.Url;
            await desk.GetByRole(AriaRole.Button, new() { Name = "Use the dark theme" }).ClickAsync();
            await ExpectDarkAsync(desk, true);
            Assert.Equal(page, desk.Url);
            await desk.ReloadAsync();
            await ExpectDarkAsync(desk, true);

            // Another computer, set to light: once the person signs in there, the portal is dark for them too.
            await new LoginPage(laptop).SignInAsync(email, password);
            await ExpectDarkAsync(laptop, true);

            // On the profile page they give the choice back to the computer, which is light.
            await laptop.GotoAsync("/Account/Manage");
            await Expect(laptop.GetByLabel("Dark", new() { Exact = true })).ToBeCheckedAsync();
            await laptop.GetByLabel("Match my computer's setting").CheckAsync();
            await laptop.GetByRole(AriaRole.Button, new() { Name = "Save theme" }).ClickAsync();
            await Expect(laptop).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Manage$"));
            await ExpectDarkAsync(laptop, false);
            await Expect(laptop.GetByLabel("Match my computer's setting")).ToBeCheckedAsync();
            await laptop.CaptureAsync("41-profile-theme");
        }
        catch
        {
            await desk.CaptureAsync("failure-color-scheme-desk");
            await laptop.CaptureAsync("failure-color-scheme-laptop");
            throw;
        }
        finally
        {
            await desk.Context.CloseAsync();
            await laptop.Context.CloseAsync();
        }
    }

    /// <summary>The page is in the dark theme or not (the dark theme alone sets the root's colour scheme and ground).</summary>
    private static async Task ExpectDarkAsync(IPage page, bool dark)
    {
        await Expect(page.Locator("html")).ToHaveCSSAsync("color-scheme", dark ? "dark" : "normal");
        await Expect(page.Locator("body")).ToHaveCSSAsync("background-color", dark ? "rgb(18, 20, 23)" : "rgb(245, 247, 249)");
    }
}
