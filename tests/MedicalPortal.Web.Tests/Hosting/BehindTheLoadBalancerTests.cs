using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedicalPortal.Web.Tests.Hosting;

/// <summary>
/// A node in production behind a load balancer that ends TLS: it believes forwarded headers from its known proxies
/// only, marks every cookie Secure, sends HSTS, answers the balancer's health checks, and on shutdown takes no new
/// request while it finishes the ones in flight.
/// </summary>
public sealed partial class BehindTheLoadBalancerTests
{
    private const string PublicHost = "portal.clinic.test";
    private const string Password = "Balanced-Node-2026!";
    private static readonly string[] Dependencies = ["node", "catalog", "shards", "cache"];

    [Fact]
    public async Task ForwardedByAKnownProxy_TheClientsHttpsCounts_RedirectsStayOnHttpsAndHstsIsSent()
    {
        await using var node = await ProductionPortal.StartAsync(new Dictionary<string, string?> { ["Proxy:KnownProxies:0"] = "127.0.0.1" });
        using var client = node.Client();

        using var response = await client.SendAsync(ForwardedRequest("/admin/audit"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"https://{PublicHost}/Account/Login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task ForwardedHeadersFromAnAddressNotConfigured_AreIgnored()
    {
        // The balancer is elsewhere: this request, from 127.0.0.1, only claims to have come over HTTPS.
        await using var node = await ProductionPortal.StartAsync(new Dictionary<string, string?> { ["Proxy:KnownNetworks:0"] = "10.20.0.0/16" });
        using var client = node.Client();

        using var response = await client.SendAsync(ForwardedRequest("/admin/audit"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"http://{PublicHost}/Account/Login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("Proxy:KnownProxies:0", "10.0.0.300", "is not an IP address")]
    [InlineData("Proxy:KnownNetworks:0", "10.0.0.0/40", "is not a network in CIDR notation")]
    public async Task APoorlyWrittenProxySetting_StopsTheNodeNamingIt(string key, string value, string message)
    {
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => ProductionPortal.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(key.Replace(":0", "", StringComparison.Ordinal), refused.Message, StringComparison.Ordinal);
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InProduction_EveryCookieIsSecureEvenOnAPlainRequestFromTheBalancer()
    {
        await using var node = await ProductionPortal.StartAsync();
        await node.CreateStaffAsync("clinician@clinic.test", "Doctor", Password);
        using var client = node.Client();

        // The sign-in page, as the balancer forwards it over plain HTTP: its antiforgery cookie.
        using var page = await client.GetAsync("/Account/Login");
        var antiforgery = Assert.Single(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        var form = Forms().Matches(await page.Content.ReadAsStringAsync()).Select(m => m.Value).First(f => f.Contains("Input.Email", StringComparison.Ordinal));
        var fields = HiddenInputs().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["Input.Email"] = "clinician@clinic.test";
        fields["Input.Password"] = Password;

        // Signing in: the session cookie.
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login") { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        using var signedIn = await client.SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity.Application", StringComparison.Ordinal));
        Assert.All(new[] { antiforgery, session }, cookie => Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("; httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheBalancersHealthChecks_LiveAndReadyAnswer200WithEveryDependency()
    {
        await using var node = await ProductionPortal.StartAsync();
        using var client = node.Client();

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var entries = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("entries");
        Assert.All(Dependencies, name => Assert.Equal("Healthy", entries.GetProperty(name).GetProperty("status").GetString()));
    }

    [Fact]
    public async Task ShuttingDown_TakesNoNewRequestAndFinishesTheOneInFlight()
    {
        await using var node = await ProductionPortal.StartAsync(configureServices: GatedPatientStore.Install);
        await node.CreateStaffAsync("nurse@clinic.test", "Nurse", Password);
        using var client = node.Client();
        var token = (await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "nurse@clinic.test", password = Password }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var gate = node.App.Services.GetRequiredService<GatedPatientStore>();

        // A record read in flight, held at the store.
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/patients/{Guid.CreateVersion7()}");
        read.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var inFlight = client.SendAsync(read);
        await gate.Waiting.WaitAsync(TimeSpan.FromSeconds(30));

        var stopping = node.App.StopAsync();
        var health = await node.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var refused = await RefusedWithinAsync(node.BaseUrl, TimeSpan.FromSeconds(10));
        Assert.False(inFlight.IsCompleted);
        gate.Open();
        using var finished = await inFlight.WaitAsync(TimeSpan.FromSeconds(30));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HealthStatus.Unhealthy, health.Entries["node"].Status);
        Assert.True(refused, "A new connection was still accepted 10 seconds after shutdown began.");
        Assert.Equal(HttpStatusCode.NotFound, finished.StatusCode);
        Assert.Equal("application/problem+json", finished.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Whether a new connection to the node fails (the listener closed) within <paramref name="within"/>.</summary>
    private static async Task<bool> RefusedWithinAsync(string baseUrl, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            using var fresh = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = new Uri(baseUrl) };
            try
            {
                using var response = await fresh.GetAsync("/health/live");
            }
            catch (HttpRequestException)
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    private static HttpRequestMessage ForwardedRequest(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = PublicHost;
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        return request;
    }

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.Singleline)]
    private static partial Regex Forms();

    [GeneratedRegex("<input\\b(?=[^>]*\\btype=\"hidden\")(?=[^>]*\\bname=\"(?<name>[^\"]*)\")(?=[^>]*\\bvalue=\"(?<value>[^\"]*)\")[^>]*>")]
    private static partial Regex HiddenInputs();
}
