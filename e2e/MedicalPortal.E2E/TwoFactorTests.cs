using System.Text.RegularExpressions;
using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using MedicalPortal.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E;

/// <summary>Two-factor sign-in with an authenticator app, through the Identity pages, in real Chromium.</summary>
[Collection(PortalTests.Name)]
public sealed partial class TwoFactorTests(PortalFixture portal)
{
    [Fact]
    public async Task AuthenticatorApp_OnceEnabled_IsAskedForAtSignIn()
    {
        var family = "Twofactor" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(6));
        var email = $"{family.ToLowerInvariant()}@example.com";
        const string password = "a passphrase for two factors";
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new RegisterPage(page).RegisterAsync("Kim", family, "1988-08-08", "Other", email, password);
            await Expect(page).ToHaveURLAsync(MyRecordUrl());

            // Set up the authenticator: the page shows the key and a QR code; the app's first code confirms it.
            await page.GotoAsync("/Account/Manage/TwoFactorAuthentication");
            await page.GetByRole(AriaRole.Link, new() { Name = "Add authenticator app" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code of the authenticator key" })).ToBeVisibleAsync();
            var key = (await page.Locator("kbd").First.InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
            await page.GetByLabel("Verification Code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await Expect(page.GetByText("Your authenticator app has been verified.")).ToBeVisibleAsync();
            await page.CaptureAsync("15-recovery-codes");

            // Signing in again now takes the password and a code.
            await new AppBar(page).SignOutAsync();
            await page.GotoAsync("/Account/Login");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(TwoFactorUrl());

            await page.GetByLabel("Authenticator code").FillAsync("000000");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await Expect(page.GetByText("Error: Invalid authenticator code.")).ToBeVisibleAsync();

            await page.GetByLabel("Authenticator code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await Expect(new AppBar(page).SignedInAs).ToContainTextAsync($"Kim {family}");
        }
        catch
        {
            await page.CaptureAsync("failure-two-factor");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>
    /// Security:RequireTwoFactorRoles (Admin by default outside Development): an administrator who signs in with a
    /// password alone lands on the two-factor set-up, is brought back there from any other page, and works as soon as
    /// an authenticator app is set up, in the same session. On a portal of its own, where the demo admin is under the rule.
    /// </summary>
    [Fact]
    public async Task RoleThatRequiresIt_SetsUpTwoFactorBeforeAnythingElse_ThenWorks()
    {
        using var server = new PortalServer(new Dictionary<string, string?> { ["Security:RequireTwoFactorRoles"] = "Admin" });
        var page = await portal.Chromium.NewPageAsync(server.BaseUrl);
        try
        {
            await new LoginPage(page).SignInAsync("admin@clinic.test");
            await Expect(page).ToHaveURLAsync(SetUpUrl());
            await Expect(page.GetByText("Your role requires two-factor sign-in.")).ToBeVisibleAsync();
            await page.CaptureAsync("16-two-factor-required");

            await page.GotoAsync("/patients");
            await Expect(page).ToHaveURLAsync(SetUpUrl());

            await page.GetByRole(AriaRole.Link, new() { Name = "Add authenticator app" }).ClickAsync();
            var key = (await page.Locator("kbd").First.InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
            await page.GetByLabel("Verification Code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await Expect(page.GetByText("Your authenticator app has been verified.")).ToBeVisibleAsync();

            await new PatientListPage(page).GotoAsync();
            await Expect(page).ToHaveURLAsync(PatientsUrl());
        }
        catch
        {
            await page.CaptureAsync("failure-two-factor-required");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [GeneratedRegex("/Account/Manage/TwoFactorAuthentication$")]
    private static partial Regex SetUpUrl();

    [GeneratedRegex("/patients$")]
    private static partial Regex PatientsUrl();

    [GeneratedRegex("/my-record$")]
    private static partial Regex MyRecordUrl();

    [GeneratedRegex("/Account/LoginWith2fa")]
    private static partial Regex TwoFactorUrl();
}
