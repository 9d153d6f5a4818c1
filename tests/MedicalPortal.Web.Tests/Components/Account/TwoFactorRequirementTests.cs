using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Testing;
using MedicalPortal.Web.Hosting;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Tests.Components.Account;

/// <summary>
/// <c>Security:RequireTwoFactorRoles</c> (issue 16, item 6): a member of a listed role who signed in without two-factor
/// sign-in reaches only its set-up pages (and signs out) until the account has set it up, in the browser as over the
/// API, where its tokens get a 403 that says why. Each test opens an administrator of its own on a portal where Admin
/// is listed, so what one test sets up never helps another.
/// </summary>
public sealed partial class TwoFactorRequirementTests(TwoFactorRequirementTests.AdminsMustSetUpTwoFactor fixture)
    : IClassFixture<TwoFactorRequirementTests.AdminsMustSetUpTwoFactor>
{
    private const string SetUpPage = "/Account/Manage/TwoFactorAuthentication";

    /// <summary>The account menu's link to another page, which a pending account is not offered.</summary>
    private const string PasswordLink = "href=\"Account/Manage/ChangePassword\"";

    private PortalFactory Portal => fixture.Portal;

    [Theory]
    [InlineData("/")]
    [InlineData("/patients")]
    [InlineData("/admin/accounts")]
    [InlineData("/Account/Manage")]
    [InlineData("/Account/Manage/ChangePassword")]
    [InlineData("/Account/Manage/DeletePersonalData")]
    [InlineData("/Account/Login")]
    public async Task Browser_AdminWithoutTwoFactor_IsSentToTheSetUpFromEveryOtherPage(string path)
    {
        // Arrange
        var email = await NewAdminAsync();
        using var browser = await AccountPages.SignInAsync(Portal, email, ApiRequests.StaffPassword);

        // Act
        using var response = await browser.GetAsync(path);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(SetUpPage, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Browser_AdminWithoutTwoFactor_SeesWhyOnTheSetUpPagesAndHoldsNoRole()
    {
        // Arrange
        var email = await NewAdminAsync();
        using var browser = await AccountPages.SignInAsync(Portal, email, ApiRequests.StaffPassword);

        // Act
        var setUp = await browser.PageAsync(SetUpPage);
        var authenticator = await browser.PageAsync("/Account/Manage/EnableAuthenticator");

        // Assert
        Assert.Contains("Your role requires two-factor sign-in.", setUp, StringComparison.Ordinal);
        Assert.Contains("Add authenticator app", setUp, StringComparison.Ordinal);
        Assert.Matches(AuthenticatorKey(), authenticator);
        Assert.DoesNotContain(">Admin<", setUp, StringComparison.Ordinal);
        Assert.DoesNotContain(PasswordLink, setUp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Browser_AdminSetsUpAnAuthenticator_WorksInTheSameSessionAtOnce()
    {
        // Arrange
        var email = await NewAdminAsync();
        using var browser = await AccountPages.SignInAsync(Portal, email, ApiRequests.StaffPassword);
        var key = AuthenticatorKey().Match(await browser.PageAsync("/Account/Manage/EnableAuthenticator")).Groups["key"].Value;

        // Act
        using var verified = await browser.SubmitAsync(
            "/Account/Manage/EnableAuthenticator", "value=\"send-code\"", new() { ["Input.Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });
        using var patients = await browser.GetAsync("/patients");
        var setUp = await browser.PageAsync(SetUpPage);

        // Assert
        Assert.Contains("Your authenticator app has been verified.", WebUtility.HtmlDecode(await verified.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, patients.StatusCode);
        Assert.DoesNotContain("Your role requires two-factor sign-in.", setUp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Browser_AdminTurnsTwoFactorOff_StaysSignedInAndCanOnlySetItUpAgain()
    {
        // Arrange: set up in this session, as above.
        var email = await NewAdminAsync();
        using var browser = await AccountPages.SignInAsync(Portal, email, ApiRequests.StaffPassword);
        var key = AuthenticatorKey().Match(await browser.PageAsync("/Account/Manage/EnableAuthenticator")).Groups["key"].Value;
        using var verified = await browser.SubmitAsync(
            "/Account/Manage/EnableAuthenticator", "value=\"send-code\"", new() { ["Input.Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });

        // Act
        using var disabled = await browser.SubmitAsync("/Account/Manage/Disable2fa", "value=\"disable-2fa\"", []);
        var setUp = await browser.PageAsync(SetUpPage);
        using var patients = await browser.GetAsync("/patients");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, disabled.StatusCode);
        Assert.Contains("2fa has been disabled.", setUp, StringComparison.Ordinal);
        Assert.Contains("Your role requires two-factor sign-in.", setUp, StringComparison.Ordinal);
        Assert.Equal(SetUpPage, patients.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Browser_AdminWithoutTwoFactor_CanSignOut()
    {
        // Arrange
        var email = await NewAdminAsync();
        using var browser = await AccountPages.SignInAsync(Portal, email, ApiRequests.StaffPassword);

        // Act
        using var signedOut = await browser.SubmitAsync(SetUpPage, "action=\"Account/Logout\"", []);
        using var afterwards = await browser.GetAsync(SetUpPage);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.StartsWith("http://localhost/Account/Login", afterwards.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Browser_RoleThatIsNotListed_WorksWithoutTwoFactor()
    {
        using var browser = await AccountPages.SignInAsync(Portal, DemoUsers.Doctor, DemoAccounts.DefaultPassword);

        using var patients = await browser.GetAsync("/patients");
        var setUp = await browser.PageAsync(SetUpPage);

        Assert.Equal(HttpStatusCode.OK, patients.StatusCode);
        Assert.Contains(PasswordLink, setUp, StringComparison.Ordinal);
        Assert.DoesNotContain("Your role requires two-factor sign-in.", setUp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_AdminWithoutTwoFactor_Gets403ThatSaysWhyUntilItSignsInWithACode()
    {
        // Arrange
        var email = await NewAdminAsync();
        using var before = await Portal.CreateClientForAsync(email, ApiRequests.StaffPassword);

        // Act
        using var refused = await before.GetAsync("/api/v1/accounts");
        using var refusedPatients = await before.GetAsync("/api/v1/patients?q=a");
        var key = await TurnOnTwoFactorAsync(email);
        using var oldToken = await before.GetAsync("/api/v1/accounts");
        using var withCode = await SignInWithCodeAsync(email, key);

        // Assert
        var problem = await refused.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Two-factor sign-in required.", problem.GetProperty("title").GetString());
        Assert.StartsWith("The Admin role requires two-factor sign-in, which this account has not set up", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await refusedPatients.ReadProblemAsync(HttpStatusCode.Forbidden);
        // The token from before is refused still: 403 while the node's cached account status (a minute at most) has
        // the old security stamp, 401 once it reads the new one.
        Assert.Contains(oldToken.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        using var afterwards = await withCode.GetAsync("/api/v1/accounts");
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }

    [Fact]
    public async Task Api_RoleThatIsNotListed_WorksWithoutTwoFactor()
    {
        using var doctor = await Portal.CreateClientForAsync(DemoUsers.Doctor);

        using var response = await doctor.GetAsync("/api/v1/patients?q=a");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NoRoleListed_AdminWorksWithoutTwoFactor()
    {
        // Arrange: an empty setting turns the requirement off (as a list could not: configuration only adds to one).
        using var open = new PortalFactory { Settings = new Dictionary<string, string?> { ["Security:RequireTwoFactorRoles"] = "" } };

        // Act
        using var admin = await open.CreateClientForAsync(DemoUsers.Admin);
        using var browser = await AccountPages.SignInAsync(open, DemoUsers.Admin, DemoAccounts.DefaultPassword);
        using var accounts = await admin.GetAsync("/api/v1/accounts");
        using var page = await browser.GetAsync("/admin/accounts");

        // Assert
        Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Theory]
    [InlineData("Admin,")]
    [InlineData("Admin;Doctor")]
    [InlineData("4dmins")]
    public async Task Start_SettingThatIsNotRoleNames_StopsThePortalNamingTheKey(string roles)
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(
            () => ProductionPortal.StartAsync(new Dictionary<string, string?> { ["Security:RequireTwoFactorRoles"] = roles }));

        Assert.Contains("Security:RequireTwoFactorRoles", refused.Message, StringComparison.Ordinal);
        Assert.Contains("is not a role name", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithoutTheSetting_RequiresItOfAdmin()
    {
        await using var node = await ProductionPortal.StartAsync();

        var security = node.App.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;

        Assert.Equal([RoleNames.Admin], security.TwoFactorRoles);
    }

    /// <summary>A new administrator (the account store directly: this portal's admins cannot use the API yet).</summary>
    private async Task<string> NewAdminAsync()
    {
        var email = $"{ApiRequests.UniqueLetters()}@clinic.test";
        await Portal.Services.GetRequiredService<IAccountDirectory>().CreateStaffAsync(
            AuditActor.System,
            new StaffAccountInput { Email = email, DisplayName = "Twofactor Admin", Role = RoleNames.Admin, Password = ApiRequests.StaffPassword },
            CancellationToken.None);
        return email;
    }

    /// <summary>What the set-up pages do, straight through Identity: a key, and two-factor sign-in on. Returns the key.</summary>
    private async Task<string> TurnOnTwoFactorAsync(string email)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IdentityActor>().Actor = AuditActor.System;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return (await users.GetAuthenticatorKeyAsync(user))!;
    }

    private async Task<HttpClient> SignInWithCodeAsync(string email, string key)
    {
        using var anonymous = Portal.CreateAnonymousClient();
        using var response = await anonymous.PostAsJsonAsync(
            "/api/v1/auth/login", new { email, password = ApiRequests.StaffPassword, twoFactorCode = Totp.Code(key, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Portal.CreateClientWithToken((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!);
    }

    [GeneratedRegex("<kbd>(?<key>[a-z2-7 ]+)</kbd>")]
    private static partial Regex AuthenticatorKey();

    /// <summary>A portal of this class's own, where Admin must set up two-factor sign-in (the production default).</summary>
    public sealed class AdminsMustSetUpTwoFactor : IDisposable
    {
        public PortalFactory Portal { get; } = new() { Settings = new Dictionary<string, string?> { ["Security:RequireTwoFactorRoles"] = RoleNames.Admin } };

        public void Dispose() => Portal.Dispose();
    }
}
