using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Audit;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Authentication;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Api.Audit;

/// <summary>
/// Sign-ins, successful and failed, on the API and in the browser, are in the catalog's audit trail: the name given, the
/// account it names, how it ended, through which door; never the password. On a portal of its own where administrators need no second factor, so
/// the tests can read the trail with the demo administrator's token.
/// </summary>
public sealed class SignInAuditTests(SignInAuditTests.AdminsWithPasswordsOnly fixture) : IClassFixture<SignInAuditTests.AdminsWithPasswordsOnly>
{
    private PortalFactory Portal => fixture.Portal;

    private const string WrongPassword = "Not-The-Password-2026";

    public static TheoryData<string, SignInOutcome> Results => new()
    {
        { nameof(SignInResult.Success), SignInOutcome.Succeeded },
        { nameof(SignInResult.Failed), SignInOutcome.Failed },
        { nameof(SignInResult.LockedOut), SignInOutcome.LockedOut },
        { nameof(SignInResult.NotAllowed), SignInOutcome.NotAllowed },
        { nameof(SignInResult.TwoFactorRequired), SignInOutcome.TwoFactorRequired },
    };

    [Theory]
    [MemberData(nameof(Results))]
    public async Task RecordSignInAsync_IdentitysResult_IsRecordedAsItsOutcomeThroughTheChannel(string result, SignInOutcome outcome)
    {
        // Arrange
        var log = new Attempts();
        var identity = (SignInResult)typeof(SignInResult).GetProperty(result)!.GetValue(null)!;

        // Act
        await log.RecordSignInAsync("nurse@clinic.test", "nurse-id", identity, SignInChannels.Api, CancellationToken.None);

        // Assert
        Assert.Equal(new SignInAttempt("nurse@clinic.test", "nurse-id", outcome, SignInChannels.Api), Assert.Single(log.Recorded));
    }

    [Fact]
    public async Task Login_WrongPasswordThenTheRightOne_BothAreInTheTrailWithoutThePassword()
    {
        // Arrange
        using var anonymous = Portal.CreateAnonymousClient();
        using var admin = await Portal.CreateClientForAsync(DemoUsers.Admin);

        // Act
        using var refused = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = DemoUsers.Nurse, password = WrongPassword });
        await PortalFactory.LoginAsync(anonymous, DemoUsers.Nurse, Data.Seeding.DemoAccounts.DefaultPassword);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var failed = Assert.Single(await EntriesAsync(admin, $"action=SignInFailed&actor={Uri.EscapeDataString(DemoUsers.Nurse)}"));
        var succeeded = Assert.Single(await EntriesAsync(admin, $"action=SignIn&actor={Uri.EscapeDataString(DemoUsers.Nurse)}"));
        Assert.Equal(("catalog", "account"), (failed.GetProperty("database").GetString(), failed.GetProperty("resource").GetString()));
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("actorId").ValueKind);
        Assert.Equal(succeeded.GetProperty("actorId").GetString(), failed.GetProperty("resourceId").GetString());
        Assert.Equal(
            [("outcome", "failed"), ("channel", "api")],
            failed.GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("property").GetString(), c.GetProperty("new").GetString())));
        Assert.DoesNotContain(WrongPassword, failed.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(Data.Seeding.DemoAccounts.DefaultPassword, succeeded.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_UnknownEmail_IsInTheTrailNamingNoAccount()
    {
        // Arrange
        using var anonymous = Portal.CreateAnonymousClient();
        using var admin = await Portal.CreateClientForAsync(DemoUsers.Admin);
        var email = ApiRequests.UniqueEmail("nobody");

        // Act
        using var refused = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = WrongPassword });

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var entry = Assert.Single(await EntriesAsync(admin, $"action=SignInFailed&actor={Uri.EscapeDataString(email)}"));
        Assert.Equal((email, JsonValueKind.Null), (entry.GetProperty("actorName").GetString(), entry.GetProperty("resourceId").ValueKind));
    }

    [Fact]
    public async Task BrowserSignIn_WrongPasswordThenTheRightOne_BothAreInTheTrailThroughTheBrowser()
    {
        // Arrange
        using var admin = await Portal.CreateClientForAsync(DemoUsers.Admin);
        var email = (await admin.CreateStaffAccountAsync("Nurse")).Text("email");
        using (var wrong = AccountPages.Anonymous(Portal))
        {
            using var refused = await wrong.SubmitAsync("/Account/Login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = WrongPassword });
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        }

        // Act
        using var browser = await AccountPages.SignInAsync(Portal, email, ApiRequests.StaffPassword);

        // Assert
        var failed = Assert.Single(await EntriesAsync(admin, $"action=SignInFailed&actor={Uri.EscapeDataString(email)}"));
        var succeeded = Assert.Single(await EntriesAsync(admin, $"action=SignIn&actor={Uri.EscapeDataString(email)}"));
        Assert.Equal(
            [("outcome", "failed"), ("channel", "browser")],
            failed.GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("property").GetString(), c.GetProperty("new").GetString())));
        Assert.Contains(succeeded.GetProperty("changes").EnumerateArray(), c => c.GetProperty("new").GetString() == "browser");
        Assert.DoesNotContain(WrongPassword, failed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_RightPasswordWithoutTheTwoFactorCode_IsInTheTrailAsSuch()
    {
        // Arrange: a staff account with two-factor sign-in on.
        using var admin = await Portal.CreateClientForAsync(DemoUsers.Admin);
        var email = (await admin.CreateStaffAccountAsync("Nurse")).Text("email");
        await using (var scope = Portal.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<IdentityActor>().Actor = AuditActor.System;
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
        }

        using var anonymous = Portal.CreateAnonymousClient();

        // Act
        using var refused = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = ApiRequests.StaffPassword });

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var entry = Assert.Single(await EntriesAsync(admin, $"action=SignInFailed&actor={Uri.EscapeDataString(email)}"));
        Assert.Contains(entry.GetProperty("changes").EnumerateArray(), c => c.GetProperty("new").GetString() == "two-factor-required");
    }

    private static async Task<List<JsonElement>> EntriesAsync(HttpClient admin, string filters)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?resource=Account&{filters}&limit=200");
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    /// <summary>What the helper hands to the sign-in log.</summary>
    private sealed class Attempts : ISignInLog
    {
        public List<SignInAttempt> Recorded { get; } = [];

        public Task RecordAsync(SignInAttempt attempt, CancellationToken cancellationToken)
        {
            Recorded.Add(attempt);
            return Task.CompletedTask;
        }
    }

    /// <summary>A portal of this class's own, on which administrators sign in with a password alone.</summary>
    public sealed class AdminsWithPasswordsOnly : IDisposable
    {
        public PortalFactory Portal { get; } = new() { Settings = new Dictionary<string, string?> { ["Security:RequireTwoFactorRoles"] = "" } };

        public void Dispose() => Portal.Dispose();
    }
}
