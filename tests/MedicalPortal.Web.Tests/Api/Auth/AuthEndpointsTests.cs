using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Web.Tests.Api.Auth;

/// <summary>
/// <c>POST /api/v1/auth/login</c> and <c>/refresh</c>. The portal runs on a fake clock here, so a test can let a token
/// expire without waiting an hour.
/// </summary>
[Collection(SharedPortals.Clocked)]
public sealed class AuthEndpointsTests(ClockedPortal fixture)
{
    private readonly PortalFactory _portal = fixture.Portal;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    [Fact]
    public async Task Login_WrongPassword_Returns401Problem()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = DemoUsers.Nurse, password = "Not-the-password-2026" });

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.False(problem.TryGetProperty("accessToken", out _));
    }

    [Fact]
    public async Task Login_UnknownAccount_Returns401Problem()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = "nobody@clinic.test", password = DemoAccounts.DefaultPassword });

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_RightPassword_Returns200WithBearerTokens()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = DemoUsers.Doctor, password = DemoAccounts.DefaultPassword });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refreshToken").GetString()));
        Assert.Equal(60 * 60, body.GetProperty("expiresIn").GetInt32());
    }

    [Fact]
    public async Task Login_EmptyBody_Returns400Problem()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "", password = "" });

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Refresh_ValidRefreshToken_Returns200WithNewTokensThatAuthorize()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();
        var login = await PortalFactory.LoginAsync(client, DemoUsers.Receptionist, DemoAccounts.DefaultPassword);

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh",
            new { refreshToken = login.GetProperty("refreshToken").GetString() });
        var refreshed = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", refreshed.GetProperty("accessToken").GetString());
        using var search = await client.GetAsync("/api/v1/patients?limit=1");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", refreshed.GetProperty("tokenType").GetString());
        Assert.False(string.IsNullOrEmpty(refreshed.GetProperty("refreshToken").GetString()));
        Assert.True(refreshed.GetProperty("expiresIn").GetInt32() > 0);
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
    }

    [Fact]
    public async Task Refresh_TamperedRefreshToken_Returns401Problem()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();
        var login = await PortalFactory.LoginAsync(client, DemoUsers.Receptionist, DemoAccounts.DefaultPassword);
        var token = login.GetProperty("refreshToken").GetString()!;
        var tampered = string.Concat(token.AsSpan(0, token.Length - 4), token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tampered });

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AccessToken_AfterItExpires_Returns401()
    {
        // Arrange
        using var client = await _portal.CreateClientForAsync(DemoUsers.Admin);
        using var before = await client.GetAsync("/api/v1/patients?limit=1");

        // Act
        _clock.Advance(TimeSpan.FromMinutes(61));
        using var after = await client.GetAsync("/api/v1/patients?limit=1");

        // Assert
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await after.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }
}
