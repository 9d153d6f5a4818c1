using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Api.Accounts;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Accounts;

/// <summary>
/// Issue 12: a patient's online account that was taken over can be locked by the clinic. <c>GET
/// /api/v1/patients/{id}/account</c> finds it (Account Retrieve), the existing <c>/api/v1/accounts/{id}/lock</c> locks
/// and unlocks it (Account Update), and a locked patient's tokens, refresh tokens and browser session stop and it
/// cannot sign in, in the browser or over the API. Role, password and deletion stay with staff accounts. Every patient
/// here registered themselves under a family name no other test uses.
/// </summary>
[Collection(SharedPortals.Default)]
public sealed class PatientAccountEndpointsTests(PortalFactory portal)
{
    private const string Password = "Synthetic-Patient-Pass-2026";

    [Fact]
    public async Task GetAccount_PatientWhoRegistered_ReturnsTheirAccountUnlocked()
    {
        // Arrange
        var patient = await RegisterAsync();
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);

        // Act
        using var response = await admin.GetAsync($"/api/v1/patients/{patient.PatientId}/account");
        var account = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((patient.AccountId, patient.Email, patient.PatientId), (account.Text("id"), account.Text("email"), account.GetProperty("patientId").GetGuid()));
        Assert.False(account.GetProperty("isLockedOut").GetBoolean());
        Assert.Equal([RoleNames.Patient], account.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task GetAccount_PatientWithoutOnlineAccount_Returns404SayingSo()
    {
        // Arrange: registered at the front desk, never online.
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var record = await admin.RegisterPatientAsync(ApiRequests.Patient("Testy", $"Offline{ApiRequests.UniqueLetters()}"));

        // Act
        using var response = await admin.GetAsync($"/api/v1/patients/{record.Id()}/account");
        using var unknown = await admin.GetAsync($"/api/v1/patients/{Guid.CreateVersion7()}/account");

        // Assert
        Assert.Equal(AccountEndpoints.NoOnlineAccount, (await response.ReadProblemAsync(HttpStatusCode.NotFound)).Text("detail"));
        Assert.Equal(AccountEndpoints.NoOnlineAccount, (await unknown.ReadProblemAsync(HttpStatusCode.NotFound)).Text("detail"));
    }

    [Theory]
    [InlineData(DemoUsers.Doctor)]
    [InlineData(DemoUsers.Receptionist)]
    public async Task GetAccount_StaffWithoutAccountRights_Returns403(string email)
    {
        // Arrange
        var patient = await RegisterAsync();
        using var staff = await portal.CreateClientForAsync(email);

        // Act
        using var response = await staff.GetAsync($"/api/v1/patients/{patient.PatientId}/account");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GetAccount_ThePatientThemself_Returns403()
    {
        // Arrange: the Patient role holds no right on accounts, its own included.
        var patient = await RegisterAsync();
        using var self = await portal.CreateClientForAsync(patient.Email, Password);

        // Act
        using var response = await self.GetAsync($"/api/v1/patients/{patient.PatientId}/account");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Lock_PatientAccount_ItsTokenAndRefreshStopAndItCannotSignIn()
    {
        // Arrange: the patient is signed in and reads their own record.
        var patient = await RegisterAsync();
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        using var anonymous = portal.CreateAnonymousClient();
        var login = await PortalFactory.LoginAsync(anonymous, patient.Email, Password);
        using var self = portal.CreateClientWithToken(login.Text("accessToken"));
        using var before = await self.GetAsync($"/api/v1/patients/{patient.PatientId}");

        // Act
        using var locked = await admin.PostAsync($"/api/v1/accounts/{patient.AccountId}/lock", content: null);
        using var after = await self.GetAsync($"/api/v1/patients/{patient.PatientId}");
        using var signIn = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = patient.Email, password = Password });
        using var refresh = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.Text("refreshToken") });
        var account = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patient.PatientId}/account");

        // Assert
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.True((await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isLockedOut").GetBoolean());
        await after.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("by the clinic", (await signIn.ReadProblemAsync(HttpStatusCode.Unauthorized)).Text("detail"), StringComparison.Ordinal);
        await refresh.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.True(account.GetProperty("isLockedOut").GetBoolean());
    }

    [Fact]
    public async Task Unlock_LockedPatientAccount_ItCanSignInAndReadItsRecordAgain()
    {
        // Arrange
        var patient = await RegisterAsync();
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        using var locked = await admin.PostAsync($"/api/v1/accounts/{patient.AccountId}/lock", content: null);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);

        // Act
        using var unlocked = await admin.DeleteAsync($"/api/v1/accounts/{patient.AccountId}/lock");
        using var self = await portal.CreateClientForAsync(patient.Email, Password);
        using var own = await self.GetAsync($"/api/v1/patients/{patient.PatientId}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.False((await unlocked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isLockedOut").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task Lock_PatientAccountByDoctor_Returns403AndThePatientCanStillSignIn()
    {
        // Arrange
        var patient = await RegisterAsync();
        using var doctor = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        using var response = await doctor.PostAsync($"/api/v1/accounts/{patient.AccountId}/lock", content: null);

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync(patient.Email));
    }

    [Fact]
    public async Task StaffOnlyOperations_PatientAccount_Return404AndChangeNothing()
    {
        // Arrange
        var patient = await RegisterAsync();
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);

        // Act
        using var role = await admin.PutAsJsonAsync($"/api/v1/accounts/{patient.AccountId}/role", new { role = RoleNames.Doctor });
        using var password = await admin.PutAsJsonAsync($"/api/v1/accounts/{patient.AccountId}/password", new { password = "A brand new synthetic passphrase" });
        using var delete = await admin.DeleteAsync($"/api/v1/accounts/{patient.AccountId}");

        // Assert: the same account, with its role, its password and its record.
        await role.ReadProblemAsync(HttpStatusCode.NotFound);
        await password.ReadProblemAsync(HttpStatusCode.NotFound);
        await delete.ReadProblemAsync(HttpStatusCode.NotFound);
        var account = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patient.PatientId}/account");
        Assert.Equal([RoleNames.Patient], account.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync(patient.Email));
    }

    [Fact]
    public async Task Lock_PatientSignedInInTheBrowser_TheSessionEndsAndTheSignInPageSaysTheAccountIsLocked()
    {
        // Arrange
        var patient = await RegisterAsync();
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        using var browser = await AccountPages.SignInAsync(portal, patient.Email, Password);
        using var before = await browser.GetAsync("/my-record");

        // Act
        using var locked = await admin.PostAsync($"/api/v1/accounts/{patient.AccountId}/lock", content: null);
        using var after = await browser.GetAsync("/my-record");
        using var pages = AccountPages.Anonymous(portal);
        using var signIn = await pages.SubmitAsync("/Account/Login", "login", new() { ["Input.Email"] = patient.Email, ["Input.Password"] = Password });

        // Assert
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/Account/Login", PathOf(after));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/Account/Lockout", PathOf(signIn));
        using var anonymous = portal.CreateAnonymousClient();
        var lockout = WebUtility.HtmlDecode(await anonymous.GetStringAsync(signIn.Headers.Location));
        Assert.Contains("an account the clinic has locked stays locked until the clinic unlocks it", lockout, StringComparison.Ordinal);
    }

    /// <summary>The path a redirect sends the browser to, whether its Location is absolute or not.</summary>
    private static string PathOf(HttpResponseMessage redirect) =>
        new Uri(new Uri("http://localhost/"), redirect.Headers.Location ?? throw new InvalidOperationException("No Location.")).AbsolutePath;

    /// <summary>The status of <c>POST /api/v1/auth/login</c> with the patient's password.</summary>
    private async Task<HttpStatusCode> SignInStatusAsync(string email)
    {
        using var anonymous = portal.CreateAnonymousClient();
        using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password });
        return response.StatusCode;
    }

    /// <summary>Registers a new patient through <c>POST /api/v1/auth/register</c>, as the patient would.</summary>
    private async Task<(string Email, Guid PatientId, string AccountId)> RegisterAsync()
    {
        using var anonymous = portal.CreateAnonymousClient();
        var email = ApiRequests.UniqueEmail("lockable");
        using var response = await anonymous.PostAsJsonAsync(
            "/api/v1/auth/register", ApiRequests.Registration(email, $"Lock{ApiRequests.UniqueLetters()}", Password));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var registered = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (email, registered.GetProperty("patientId").GetGuid(), registered.Text("accountId"));
    }
}
