using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api;

/// <summary>The API as a whole: the anonymous ping and the bearer-only guard in front of everything else.</summary>
public sealed class ApiEndpointsTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Ping_Anonymous_Returns200WithStatusOk()
    {
        // Arrange
        using var client = portal.CreateAnonymousClient();

        // Act
        using var response = await client.GetAsync("/api/v1/ping");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"status":"ok"}""", body.GetRawText());
    }

    [Theory]
    [InlineData("/api/v1/patients")]
    [InlineData("/api/v1/patients/0197a3f0-0000-7000-8000-000000000001")]
    [InlineData("/api/v1/visits/0197a3f0-0000-7000-8000-000000000001")]
    public async Task SecuredEndpoint_WithoutToken_Returns401Problem(string path)
    {
        // Arrange
        using var client = portal.CreateAnonymousClient();

        // Act
        using var response = await client.GetAsync(path);

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SecuredEndpoint_WithForgedToken_Returns401Problem()
    {
        // Arrange
        using var client = portal.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "CfDJ8-not-a-token-this-portal-issued");

        // Act
        using var response = await client.GetAsync("/api/v1/patients");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SecuredEndpoint_WithCookieOnly_Returns401Problem()
    {
        // Arrange: the browser's Identity cookie name, with a made-up value. The API must not even look at cookies.
        using var client = portal.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add("Cookie", ".AspNetCore.Identity.Application=made-up");

        // Act
        using var response = await client.GetAsync("/api/v1/patients");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }
}
