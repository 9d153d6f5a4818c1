using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MedicalPortal.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// One web node of a multi-node installation: the real portal on real Kestrel (a free loopback port), on the
/// <paramref name="databases"/> that every node of the test shares, and on the given Redis. Several of these behave as
/// several servers behind a load balancer. The test owns (and removes) the databases, after its nodes stopped.
/// </summary>
public sealed class PortalNode(TestDatabases databases, string redis, string keyPrefix)
    : WebApplicationFactory<Program>
{
    /// <summary>Such as http://127.0.0.1:41234, without a trailing slash.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Builds and starts the node (migrations and demo seeding included), as a process start would.</summary>
    public static async Task<PortalNode> StartAsync(TestDatabases databases, string redis, string keyPrefix)
    {
        var node = new PortalNode(databases, redis, keyPrefix);
        try
        {
            await Task.Run(() =>
            {
                node.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
                node.StartServer();
            });
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        var addresses = node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel did not report its address.");
        node.BaseUrl = addresses.Addresses.First().TrimEnd('/');
        return node;
    }

    /// <summary>An HTTP client to this node over the network, sending <paramref name="accessToken"/> if given.</summary>
    public HttpClient Client(string? accessToken = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri(BaseUrl),
        };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client;
    }

    /// <summary>Signs in on this node and returns the access token.</summary>
    public async Task<string> TokenAsync(string email, string password = Data.Seeding.DemoAccounts.DefaultPassword)
    {
        using var client = Client();
        JsonElement tokens = await PortalFactory.LoginAsync(client, email, password);
        return tokens.GetProperty("accessToken").GetString()!;
    }

    /// <summary>Waits until <c>/health/ready</c> reports the cache connected to Redis.</summary>
    public async Task WaitForCacheAsync()
    {
        using var client = Client();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync("/health/ready");
            var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (health.GetProperty("entries").GetProperty("cache").GetProperty("status").GetString() == "Healthy")
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The cache of {BaseUrl} did not connect to Redis within 30 seconds.");
            await Task.Delay(50);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(Environments.Development);
        foreach (var (key, value) in databases.Settings.Concat(PortalFactory.UnthrottledSignIn))
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Cache:Redis", redis);
        builder.UseSetting("Cache:KeyPrefix", keyPrefix);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddLogCapture());
    }
}
