using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Tests.Hosting;

/// <summary>
/// What an attacker meets on a production node over real Kestrel: the API's description for signed-in callers only,
/// bodies too large refused before they are read, and no bind error that echoes what was sent.
/// </summary>
public sealed class ProductionHardeningTests : IAsyncLifetime
{
    private const string Password = "Hardened-Node-2026!";
    private ProductionPortal _node = default!;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _node = await ProductionPortal.StartAsync();
        await _node.CreateStaffAsync("doctor@clinic.test", "Doctor", Password);
        _token = await _node.TokenAsync("doctor@clinic.test", Password);
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task TheOpenApiDocument_IsForSignedInCallersOnly()
    {
        using var anonymous = _node.Client();
        using var signedIn = Authorized();

        using var refused = await anonymous.GetAsync("/openapi/v1.json");
        using var served = await signedIn.GetAsync("/openapi/v1.json");

        Assert.True(refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Redirect, $"anonymous got {(int)refused.StatusCode}");
        Assert.DoesNotContain("\"paths\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("\"paths\"", await served.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApiBodyOverItsLimit_Is413AndNothingIsRead()
    {
        using var client = Authorized();
        var body = $"{{\"givenName\":\"{new string('a', 100_000)}\"}}";

        using var response = await client.PostAsync("/api/v1/patients", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task ABodyOverTheNodesLimit_IsRefusedUnread()
    {
        // Kestrel refuses a body over its limit as it arrives (400 or 413 and the connection closed, depending on
        // who reads first); the limit itself is what this node runs with.
        using var client = _node.Client();
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = new string('a', 2 * 1024 * 1024) });

        using var response = await client.PostAsync("/Account/Login", form);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}");
        Assert.Equal(1024 * 1024, _node.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize);
    }

    [Fact]
    public async Task AFormPostedWithoutItsAntiforgeryToken_Is400WithAPageNotAnError()
    {
        using var client = _node.Client();

        using var response = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("could not be read", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValueThatCannotBeBound_IsNamedButNotEchoed()
    {
        using var client = Authorized();

        using var response = await client.GetAsync("/api/v1/patients?q=a&limit=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'limit'", body, StringComparison.Ordinal);
        Assert.DoesNotContain("script", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alert", body, StringComparison.Ordinal);
    }

    private HttpClient Authorized()
    {
        var client = _node.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return client;
    }
}
