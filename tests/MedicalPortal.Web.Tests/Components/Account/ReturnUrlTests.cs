using System.Net;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Testing;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Account;

/// <summary>
/// Issue 12: a hostile <c>ReturnUrl</c> answered 500 (or could have led elsewhere). Through the real pages and form
/// posts with their antiforgery tokens: signing in, the two-factor step and signing out send the browser to a path on
/// the portal whatever the ReturnUrl says, home when it is not one, and never fail.
/// </summary>
[Collection(SharedPortals.Default)]
public sealed class ReturnUrlTests(PortalFactory portal)
{
    private static readonly Uri Portal = new("http://localhost/");

    /// <summary>Return addresses that must lead home, by a name the test runner can show.</summary>
    private static readonly Dictionary<string, string> Hostile = new(StringComparer.Ordinal)
    {
        ["absolute elsewhere"] = "https://evil.example",
        ["scheme-relative"] = "//evil.example",
        ["slash backslash"] = "/\\evil.example",
        ["two backslashes"] = "\\\\evil.example",
        ["slash tab slash"] = "/\t/evil.example",
        ["leading space"] = " //evil.example",
        ["scheme without slashes"] = "https:evil.example",
        ["look-alike host"] = "http://localhost.evil.example/",
        ["user info"] = "http://localhost@evil.example/",
        ["javascript"] = "javascript:alert(1)",
        ["data"] = "data:text/html,<script>alert(1)</script>",
        ["very long"] = "/" + new string('a', 3000),
        ["encoded nul"] = "%00",
        ["path with encoded nul"] = "/%00",
        ["nul"] = "\0",
        ["header injection"] = "/a\r\nLocation: https://evil.example",
        ["encoded double slash"] = "/%2F/evil.example",
        ["encoded backslash"] = "/%5Cevil.example",
    };

    public static TheoryData<string> HostileNames { get; } = [.. Hostile.Keys];

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task SignIn_HostileReturnUrl_GoesHome(string name)
    {
        // Arrange
        using var browser = AccountPages.Anonymous(portal);

        // Act: the page answers 200 with its form (SubmitAsync checks), and the post signs in.
        using var signedIn = await browser.SubmitAsync(LoginPath(Hostile[name]), "login", AdminCredentials());

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(Portal, Target(signedIn));
    }

    [Theory]
    [InlineData("/patients?q=ab", "/patients?q=ab")]
    [InlineData("patients", "/patients")]
    [InlineData("http://localhost/admin/accounts", "/admin/accounts")]
    [InlineData("", "/")]
    public async Task SignIn_ReturnUrlOnThePortal_GoesThere(string returnUrl, string expected)
    {
        // Arrange
        using var browser = AccountPages.Anonymous(portal);

        // Act
        using var signedIn = await browser.SubmitAsync(LoginPath(returnUrl), "login", AdminCredentials());

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(new Uri(Portal, expected), Target(signedIn));
    }

    [Theory]
    [InlineData("scheme-relative")]
    [InlineData("header injection")]
    public async Task SignOut_HostileReturnUrl_GoesHome(string name)
    {
        // Arrange
        using var browser = await AccountPages.SignInAsync(portal, DemoUsers.Admin, DemoAccounts.DefaultPassword);

        // Act: the app bar's sign-out form, its hidden ReturnUrl replaced.
        using var signedOut = await browser.SubmitAsync("/", "action=\"Account/Logout\"", new() { ["ReturnUrl"] = Hostile[name] });

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(Portal, Target(signedOut));
    }

    [Theory]
    [InlineData("/Account/LoginWith2fa")]
    [InlineData("/Account/LoginWithRecoveryCode")]
    public async Task TwoFactorPages_WithoutAPasswordFirst_GoBackToSignInRatherThanFail(string page)
    {
        // Arrange
        using var client = portal.CreateAnonymousClient();

        // Act
        using var response = await client.GetAsync($"{page}?ReturnUrl={Uri.EscapeDataString(Hostile["absolute elsewhere"])}");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", Target(response).AbsolutePath);
    }

    [Theory]
    [InlineData("scheme-relative")]
    [InlineData("javascript")]
    public async Task TwoFactorSignIn_HostileReturnUrlCarriedThroughTheCodeStep_GoesHome(string name)
    {
        // Arrange: a staff account with an authenticator app.
        var (email, key) = await StaffWithAuthenticatorAsync();
        using var browser = AccountPages.Anonymous(portal);
        using var password = await browser.SubmitAsync(
            LoginPath(Hostile[name]), "login", new() { ["Input.Email"] = email, ["Input.Password"] = ApiRequests.StaffPassword });
        Assert.Equal("/Account/LoginWith2fa", Target(password).AbsolutePath);

        // Act
        using var code = await browser.SubmitAsync(
            Target(password).PathAndQuery, "login-with-2fa", new() { ["Input.TwoFactorCode"] = Totp.Code(key, DateTimeOffset.UtcNow) });

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal(Portal, Target(code));
    }

    private static string LoginPath(string returnUrl) => $"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}";

    private static Dictionary<string, string> AdminCredentials() =>
        new() { ["Input.Email"] = DemoUsers.Admin, ["Input.Password"] = DemoAccounts.DefaultPassword };

    /// <summary>Where a redirect sends the browser, resolved as a browser resolves it.</summary>
    private static Uri Target(HttpResponseMessage redirect) =>
        new(Portal, redirect.Headers.Location ?? throw new InvalidOperationException($"No Location on a {(int)redirect.StatusCode}."));

    /// <summary>A new Nurse account with two-factor sign-in on, and its authenticator key.</summary>
    private async Task<(string Email, string Key)> StaffWithAuthenticatorAsync()
    {
        var email = ApiRequests.UniqueEmail("twofactor");
        await portal.Services.GetRequiredService<IAccountDirectory>().CreateStaffAsync(AuditActor.System, new StaffAccountInput
        {
            Email = email, DisplayName = "Testy Staffmember", Role = RoleNames.Nurse, Password = ApiRequests.StaffPassword,
        }, CancellationToken.None);
        await using var scope = portal.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IdentityActor>().Actor = AuditActor.System;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException("The account was not created.");
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return (email, (await users.GetAuthenticatorKeyAsync(user))!);
    }
}
