using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Web.Tests.Api.Auth;

/// <summary>
/// How long a bearer token counts (<c>Security:AccessTokenMinutes</c>, default 60) and what ends it early: a lock or a
/// new role renews the account's security stamp, and its tokens get 401 on the very next request. The portal runs on a
/// fake clock, moved in whole seconds because tokens record their expiry to the second.
/// </summary>
[Collection(SharedPortals.Clocked)]
public sealed class TokenLifetimeTests(ClockedPortal fixture)
{
    private const string AnyStaffRead = "/api/v1/studies";

    private readonly PortalFactory _portal = fixture.Portal;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    [Fact]
    public async Task AccessToken_OneSecondBeforeExpiry_Authorizes()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();
        var login = await PortalFactory.LoginAsync(client, DemoUsers.Nurse, DemoAccounts.DefaultPassword);
        using var nurse = _portal.CreateClientWithToken(login.Text("accessToken"));
        _clock.Advance(TimeSpan.FromSeconds(login.GetProperty("expiresIn").GetInt32() - 1));

        // Act
        using var response = await nurse.GetAsync(AnyStaffRead);

        // Assert
        Assert.Equal(60 * 60, login.GetProperty("expiresIn").GetInt32());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AccessToken_OneSecondAfterExpiry_Returns401()
    {
        // Arrange: the token was used while valid, so the portal remembers what it decrypted (CachedTicketFormat).
        using var client = _portal.CreateAnonymousClient();
        var login = await PortalFactory.LoginAsync(client, DemoUsers.Nurse, DemoAccounts.DefaultPassword);
        using var nurse = _portal.CreateClientWithToken(login.Text("accessToken"));
        using var whileValid = await nurse.GetAsync(AnyStaffRead);
        _clock.Advance(TimeSpan.FromSeconds(login.GetProperty("expiresIn").GetInt32() + 1));

        // Act
        using var response = await nurse.GetAsync(AnyStaffRead);

        // Assert
        Assert.Equal(HttpStatusCode.OK, whileValid.StatusCode);
        Assert.Equal(60 * 60, login.GetProperty("expiresIn").GetInt32());
        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_AfterAccessTokenExpired_ReturnsAccessTokenThatAuthorizes()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();
        var login = await PortalFactory.LoginAsync(client, DemoUsers.Nurse, DemoAccounts.DefaultPassword);
        _clock.Advance(TimeSpan.FromSeconds(login.GetProperty("expiresIn").GetInt32() + 1));
        using var expired = _portal.CreateClientWithToken(login.Text("accessToken"));
        using var refused = await expired.GetAsync(AnyStaffRead);

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.Text("refreshToken") });
        var refreshed = await response.Content.ReadFromJsonAsync<JsonElement>();
        using var renewed = _portal.CreateClientWithToken(refreshed.Text("accessToken"));
        using var accepted = await renewed.GetAsync(AnyStaffRead);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Lock_StaffAccount_ItsExistingTokenReturns401OnTheNextRequest()
    {
        // Arrange
        using var admin = await _portal.CreateClientForAsync(DemoUsers.Admin);
        var account = await admin.CreateStaffAccountAsync(RoleNames.Nurse);
        using var staff = await _portal.CreateClientForAsync(account.Text("email"), ApiRequests.StaffPassword);
        using var before = await staff.GetAsync(AnyStaffRead);

        // Act
        using var locked = await admin.PostAsync($"/api/v1/accounts/{account.Text("id")}/lock", content: null);
        using var after = await staff.GetAsync(AnyStaffRead);

        // Assert
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        await after.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Lock_StaffAccount_RefusesNewSignInAndRefresh()
    {
        // Arrange
        using var admin = await _portal.CreateClientForAsync(DemoUsers.Admin);
        var account = await admin.CreateStaffAccountAsync(RoleNames.Nurse);
        using var client = _portal.CreateAnonymousClient();
        var login = await PortalFactory.LoginAsync(client, account.Text("email"), ApiRequests.StaffPassword);
        await LockAsync(admin, account);

        // Act
        using var signIn = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = account.Text("email"), password = ApiRequests.StaffPassword });
        using var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.Text("refreshToken") });

        // Assert
        await signIn.ReadProblemAsync(HttpStatusCode.Unauthorized);
        await refresh.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Unlock_LockedAccount_NewSignInWorksAndTheOldTokenStaysRevoked()
    {
        // Arrange
        using var admin = await _portal.CreateClientForAsync(DemoUsers.Admin);
        var account = await admin.CreateStaffAccountAsync(RoleNames.Nurse);
        using var client = _portal.CreateAnonymousClient();
        var oldLogin = await PortalFactory.LoginAsync(client, account.Text("email"), ApiRequests.StaffPassword);
        using var old = _portal.CreateClientWithToken(oldLogin.Text("accessToken"));
        await LockAsync(admin, account);

        // Act
        using var unlocked = await admin.DeleteAsync($"/api/v1/accounts/{account.Text("id")}/lock");
        using var fresh = await _portal.CreateClientForAsync(account.Text("email"), ApiRequests.StaffPassword);
        using var withFresh = await fresh.GetAsync(AnyStaffRead);
        using var oldRefresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = oldLogin.Text("refreshToken") });
        using var withOld = await old.GetAsync(AnyStaffRead);

        // Assert
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withFresh.StatusCode);
        await oldRefresh.ReadProblemAsync(HttpStatusCode.Unauthorized);
        await withOld.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ChangeRole_StaffAccount_OldTokenReturns401AndANewTokenCarriesTheNewRole()
    {
        // Arrange: a nurse may record visits, a receptionist may not.
        using var admin = await _portal.CreateClientForAsync(DemoUsers.Admin);
        var patient = await admin.RegisterPatientAsync(ApiRequests.Patient("Testy", $"Token{ApiRequests.UniqueLetters()}"));
        var account = await admin.CreateStaffAccountAsync(RoleNames.Nurse);
        using var old = await _portal.CreateClientForAsync(account.Text("email"), ApiRequests.StaffPassword);
        using var asNurse = await old.PostAsJsonAsync($"/api/v1/patients/{patient.Id()}/visits", ApiRequests.Visit());

        // Act
        using var changed = await admin.PutAsJsonAsync($"/api/v1/accounts/{account.Text("id")}/role", new { role = RoleNames.Receptionist });
        using var withOld = await old.GetAsync(AnyStaffRead);
        using var fresh = await _portal.CreateClientForAsync(account.Text("email"), ApiRequests.StaffPassword);
        using var asReceptionist = await fresh.PostAsJsonAsync($"/api/v1/patients/{patient.Id()}/visits", ApiRequests.Visit());

        // Assert
        Assert.Equal(HttpStatusCode.Created, asNurse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await asReceptionist.ReadProblemAsync(HttpStatusCode.Forbidden);
        await withOld.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    private static async Task LockAsync(HttpClient admin, JsonElement account)
    {
        using var locked = await admin.PostAsync($"/api/v1/accounts/{account.Text("id")}/lock", content: null);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
    }
}
