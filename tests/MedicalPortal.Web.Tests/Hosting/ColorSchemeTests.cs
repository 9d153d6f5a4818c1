using System.Net;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Appearance;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Hosting;

/// <summary>
/// The light and dark themes over HTTP: which one a page is rendered in (the person's choice, else the computer's as the
/// client hint or the script's cookie tells it), the choice posted from a page and kept on the account, and the account's
/// choice taken by a browser at sign-in. On a portal of the class's own, since choosing changes a demo account.
/// </summary>
public sealed class ColorSchemeTests(ColorSchemeTests.OwnPortal fixture) : IClassFixture<ColorSchemeTests.OwnPortal>
{
    private const string DarkGround = "--mud-palette-background: rgba(18,20,23,1)";
    private const string LightGround = "--mud-palette-background: rgba(245,247,249,1)";

    private PortalFactory Portal => fixture.Portal;

    public static TheoryData<string?, string?, string?, bool> Requests => new()
    {
        // choice cookie, client hint, script's cookie => dark?
        { null, null, null, false },
        { null, "\"dark\"", null, true },
        { null, "\"light\"", "dark", false },
        { null, null, "dark", true },
        { "light", "\"dark\"", "dark", false },
        { "dark", "\"light\"", null, true },
        { "purple", "\"dark\"", null, true },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Page_IsRenderedInTheChosenTheme_ElseTheComputers(string? choice, string? hint, string? reported, bool dark)
    {
        // Arrange
        using var client = Portal.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        var cookies = new List<string>();
        if (choice is not null)
        {
            cookies.Add($"{ColorSchemes.CookieName}={choice}");
        }

        if (reported is not null)
        {
            cookies.Add($"{ColorSchemes.SystemCookieName}={reported}");
        }

        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies));
        }

        if (hint is not null)
        {
            request.Headers.Add(ColorSchemes.ClientHint, hint);
        }

        // Act
        using var response = await client.SendAsync(request);

        // Assert: the theme's variables, and the browser's own parts in dark only with the dark theme.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(dark ? DarkGround : LightGround, html, StringComparison.Ordinal);
        Assert.Equal(dark, html.Contains(":root { color-scheme: dark; }", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Page_AsksForTheComputersScheme_AndTheApiDoesNot()
    {
        // Arrange
        using var client = Portal.CreateAnonymousClient();

        // Act
        using var page = await client.GetAsync("/Account/Login");
        using var api = await client.GetAsync("/api/v1/patients?q=a");

        // Assert
        Assert.Equal(ColorSchemes.ClientHint, Assert.Single(page.Headers.GetValues("Accept-CH")));
        Assert.Equal(ColorSchemes.ClientHint, Assert.Single(page.Headers.GetValues("Critical-CH")));
        Assert.Contains(ColorSchemes.ClientHint, page.Headers.Vary);
        Assert.False(api.Headers.Contains("Critical-CH"));
    }

    [Fact]
    public async Task FormAnswer_AsksForTheSchemeWithoutAskingToBeSentAgain()
    {
        // Arrange
        using var browser = AccountPages.Anonymous(Portal);

        // Act: a sign-in that fails renders the page again, as the answer to a POST.
        using var answer = await browser.SubmitAsync(
            "/Account/Login", "login", new() { ["Input.Email"] = DemoUsers.Nurse, ["Input.Password"] = "not the password at all" });

        // Assert
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(ColorSchemes.ClientHint, Assert.Single(answer.Headers.GetValues("Accept-CH")));
        Assert.False(answer.Headers.Contains("Critical-CH"));
    }

    [Fact]
    public async Task Choose_SignedIn_IsKeptOnTheAccountAndInTheBrowser_AndGoesBackToThePage()
    {
        // Arrange
        using var browser = await AccountPages.SignInAsync(Portal, DemoUsers.Nurse, DemoAccounts.DefaultPassword);

        // Act
        using var chosen = await browser.SubmitAsync("/Account/Manage", "data-testid=\"color-scheme-form\"", new() { ["scheme"] = "dark" });

        // Assert: back on the profile page, this browser carries "dark", the account keeps it, and the page is dark.
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal("/Account/Manage", chosen.Headers.Location?.OriginalString);
        Assert.Contains(chosen.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"{ColorSchemes.CookieName}=dark;", StringComparison.Ordinal));
        Assert.Equal("dark", (await AccountAsync(DemoUsers.Nurse)).ColorScheme);
        var profile = await browser.PageAsync("/Account/Manage");
        Assert.Contains(DarkGround, profile, StringComparison.Ordinal);
        Assert.Matches("id=\"scheme-dark\" value=\"dark\" checked", profile);

        // And back to the computer's setting: the browser's cookie goes, the account says "system".
        using var system = await browser.SubmitAsync("/Account/Manage", "data-testid=\"color-scheme-form\"", new() { ["scheme"] = "system" });
        Assert.Equal(HttpStatusCode.Redirect, system.StatusCode);
        Assert.Contains(system.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"{ColorSchemes.CookieName}=;", StringComparison.Ordinal));
        Assert.Equal("system", (await AccountAsync(DemoUsers.Nurse)).ColorScheme);
    }

    [Fact]
    public async Task SignIn_OnAnotherBrowser_TakesTheChoiceTheAccountKeeps()
    {
        // Arrange: the receptionist chooses dark on one computer.
        using (var desk = await AccountPages.SignInAsync(Portal, DemoUsers.Receptionist, DemoAccounts.DefaultPassword))
        {
            using var chosen = await desk.SubmitAsync("/Account/Manage", "data-testid=\"color-scheme-form\"", new() { ["scheme"] = "dark" });
            Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        }

        // Act: another computer, which has never seen the portal.
        using var laptop = await AccountPages.SignInAsync(Portal, DemoUsers.Receptionist, DemoAccounts.DefaultPassword);

        // Assert
        Assert.Contains(DarkGround, await laptop.PageAsync("/Account/Manage"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("purple")]
    [InlineData("")]
    public async Task Choose_NoSuchTheme_IsAProblemNamingTheField_AndChangesNothing(string scheme)
    {
        // Arrange
        using var browser = await AccountPages.SignInAsync(Portal, DemoUsers.Doctor, DemoAccounts.DefaultPassword);
        var before = (await AccountAsync(DemoUsers.Doctor)).ColorScheme;

        // Act
        using var refused = await browser.SubmitAsync("/Account/Manage", "data-testid=\"color-scheme-form\"", new() { ["scheme"] = scheme });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("\"scheme\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(refused.Headers.Contains("Set-Cookie") && refused.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(ColorSchemes.CookieName + "=", StringComparison.Ordinal)));
        Assert.Equal(before, (await AccountAsync(DemoUsers.Doctor)).ColorScheme);
    }

    [Fact]
    public async Task Choose_WithAReturnAddressElsewhere_StaysOnThePortal()
    {
        // Arrange
        using var browser = AccountPages.Anonymous(Portal);

        // Act: the switch on the sign-in page, its return address changed to another site.
        using var chosen = await browser.SubmitAsync(
            "/Account/Login", "data-testid=\"color-scheme-switch\"", new() { ["scheme"] = "dark", ["returnUrl"] = "https://elsewhere.example/phish" });

        // Assert: the choice is made (this browser only: nobody is signed in), and the way back is on the portal.
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.StartsWith("/", chosen.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere", chosen.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Contains(chosen.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"{ColorSchemes.CookieName}=dark;", StringComparison.Ordinal));
    }

    private async Task<ApplicationUser> AccountAsync(string email)
    {
        using var scope = Portal.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email)
            ?? throw new InvalidOperationException($"No account {email}.");
    }

    /// <summary>A portal of this class's own: choosing a theme changes the demo accounts it signs in with.</summary>
    public sealed class OwnPortal : IDisposable
    {
        public PortalFactory Portal { get; } = new();

        public void Dispose() => Portal.Dispose();
    }
}
