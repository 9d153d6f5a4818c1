using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Auth;

/// <summary>
/// Two kinds of lock. Five wrong passwords from anybody lock an account for new sign-ins only: the sessions and tokens
/// its owner already holds keep working, or anyone on the internet could sign the clinic's staff out. An
/// administrator's lock ends them all at once.
/// </summary>
[Collection(SharedPortals.Default)]
public sealed class LockoutTests(PortalFactory portal)
{
    private const string StaffPage = "/patients";
    private const string StaffRead = "/api/v1/studies";

    [Fact]
    public async Task FiveWrongPasswords_FromAnotherClient_RefuseNewSignInsButKeepOpenSessionsAndTokens()
    {
        // Arrange: the nurse signed in, in a browser and on the API.
        var nurse = await NewNurseAsync();
        using var browser = await AccountPages.SignInAsync(portal, nurse, ApiRequests.StaffPassword);
        using var anonymous = portal.CreateAnonymousClient();
        var login = await PortalFactory.LoginAsync(anonymous, nurse, ApiRequests.StaffPassword);
        using var api = portal.CreateClientWithToken(login.Text("accessToken"));

        // Act: somebody else guesses.
        using var attacker = portal.CreateAnonymousClient();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await attacker.PostAsJsonAsync("/api/v1/auth/login", new { email = nurse, password = "Not-the-password-2026" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var newSignIn = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = nurse, password = ApiRequests.StaffPassword });
        using var page = await browser.GetAsync(StaffPage);
        using var read = await api.GetAsync(StaffRead);
        using var refresh = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.Text("refreshToken") });

        // Assert
        var refused = await newSignIn.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("locked", refused.Text("detail"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
    }

    [Fact]
    public async Task AdministratorsLock_EndsOpenSessionsAndTokensAtOnce()
    {
        // Arrange
        var nurse = await NewNurseAsync();
        using var browser = await AccountPages.SignInAsync(portal, nurse, ApiRequests.StaffPassword);
        using var anonymous = portal.CreateAnonymousClient();
        var login = await PortalFactory.LoginAsync(anonymous, nurse, ApiRequests.StaffPassword);
        using var api = portal.CreateClientWithToken(login.Text("accessToken"));
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var account = await admin.FindStaffAccountAsync(nurse);

        // Act
        using var locked = await admin.PostAsync($"/api/v1/accounts/{account!.Value.Text("id")}/lock", null);
        using var page = await browser.GetAsync(StaffPage);
        using var read = await api.GetAsync(StaffRead);
        using var refresh = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.Text("refreshToken") });

        // Assert
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/Login", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
    }

    private async Task<string> NewNurseAsync()
    {
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        return (await admin.CreateStaffAccountAsync("Nurse")).Text("email");
    }
}
