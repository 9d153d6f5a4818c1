using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Web.Tests.Api.Auth;

/// <summary>
/// An API sign-in is a session: each refresh token works once, a replayed one ends the session (the thief's tokens and
/// the client's alike), the session ends <c>Security:SessionHours</c> (12) after the sign-in however often it was
/// refreshed, and <c>POST /api/v1/auth/logout</c> ends it. Ending a session ends its access tokens at once too.
/// </summary>
[Collection(SharedPortals.Clocked)]
public sealed class ApiSessionTests(ClockedPortal fixture)
{
    private const string StaffRead = "/api/v1/studies";

    private readonly PortalFactory _portal = fixture.Portal;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    [Fact]
    public async Task Refresh_TokenUsedTwice_SecondRefusedAndEveryTokenOfTheSessionStops()
    {
        // Arrange: the client refreshed; an attacker replays the refresh token it had before.
        using var client = _portal.CreateAnonymousClient();
        var login = await PortalFactory.LoginAsync(client, DemoUsers.Nurse, DemoAccounts.DefaultPassword);
        var refreshed = await RefreshAsync(client, login.Text("refreshToken"));

        // Act
        using var replay = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.Text("refreshToken") });
        using var next = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refreshed.Text("refreshToken") });
        using var newest = _portal.CreateClientWithToken(refreshed.Text("accessToken"));
        using var first = _portal.CreateClientWithToken(login.Text("accessToken"));
        using var withNewest = await newest.GetAsync(StaffRead);
        using var withFirst = await first.GetAsync(StaffRead);

        // Assert
        await replay.ReadProblemAsync(HttpStatusCode.Unauthorized);
        await next.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, withNewest.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withFirst.StatusCode);
    }

    [Fact]
    public async Task Refresh_EveryFiftyMinutes_WorksUntilTwelveHoursAfterSignInThenRefused()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();
        var tokens = await PortalFactory.LoginAsync(client, DemoUsers.Nurse, DemoAccounts.DefaultPassword);
        var signedIn = _clock.GetUtcNow();
        var refreshes = 0;

        // Act: a client that keeps refreshing before its access token runs out.
        while (_clock.GetUtcNow() + TimeSpan.FromMinutes(50) < signedIn + TimeSpan.FromHours(12))
        {
            _clock.Advance(TimeSpan.FromMinutes(50));
            tokens = await RefreshAsync(client, tokens.Text("refreshToken"));
            refreshes++;
        }

        var lastExpiresIn = tokens.GetProperty("expiresIn").GetInt32();
        using var lastAccess = _portal.CreateClientWithToken(tokens.Text("accessToken"));
        using var beforeTheEnd = await lastAccess.GetAsync(StaffRead);
        _clock.Advance(signedIn + TimeSpan.FromHours(12) - _clock.GetUtcNow());
        using var late = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.Text("refreshToken") });
        using var afterTheEnd = await lastAccess.GetAsync(StaffRead);

        // Assert: the last access token was cut to the session's end, and nothing continues it.
        Assert.Equal(14, refreshes);
        Assert.True(lastExpiresIn <= 20 * 60, $"the last access token lasted {lastExpiresIn} s");
        Assert.Equal(HttpStatusCode.OK, beforeTheEnd.StatusCode);
        await late.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, afterTheEnd.StatusCode);
    }

    [Fact]
    public async Task Logout_WithRefreshToken_EndsThatSessionOnly()
    {
        // Arrange: the same nurse signed in on two devices.
        using var client = _portal.CreateAnonymousClient();
        var phone = await PortalFactory.LoginAsync(client, DemoUsers.Nurse, DemoAccounts.DefaultPassword);
        var desk = await PortalFactory.LoginAsync(client, DemoUsers.Nurse, DemoAccounts.DefaultPassword);
        using var phoneApi = _portal.CreateClientWithToken(phone.Text("accessToken"));
        using var deskApi = _portal.CreateClientWithToken(desk.Text("accessToken"));

        // Act
        using var logout = await client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = phone.Text("refreshToken") });
        using var withPhone = await phoneApi.GetAsync(StaffRead);
        using var phoneRefresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = phone.Text("refreshToken") });
        using var withDesk = await deskApi.GetAsync(StaffRead);

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withPhone.StatusCode);
        await phoneRefresh.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, withDesk.StatusCode);
    }

    [Fact]
    public async Task Logout_WithAccessTokenOnly_EndsItsSession()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();
        var login = await PortalFactory.LoginAsync(client, DemoUsers.Nurse, DemoAccounts.DefaultPassword);
        using var api = _portal.CreateClientWithToken(login.Text("accessToken"));

        // Act
        using var logout = await api.PostAsJsonAsync("/api/v1/auth/logout", new { });
        using var after = await api.GetAsync(StaffRead);
        using var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.Text("refreshToken") });

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        await refresh.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_NeitherTokenNorSession_Returns400()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();

        // Act
        using var logout = await client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = "not-a-token" });

        // Assert
        await logout.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    private static async Task<JsonElement> RefreshAsync(HttpClient client, string refreshToken)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
