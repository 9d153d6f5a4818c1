using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Data.Seeding;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// The whole portal in memory, on a fresh SQLite catalog and two SQLite shards in a temporary folder, in the
/// Development environment so the demo accounts and demo patients are seeded. Disposing deletes the folder.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    /// <summary>The folder that holds the catalog and the shard files.</summary>
    public string DataDirectory { get; } = TestDatabaseSettings.NewDirectory();

    /// <summary>The clock the portal runs on, when a test wants to move time; null for the system clock.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>An anonymous client.</summary>
    public HttpClient CreateAnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client that carries the bearer token of a demo account (see <see cref="DemoUsers"/>).</summary>
    public async Task<HttpClient> CreateClientForAsync(string email)
    {
        var client = CreateAnonymousClient();
        var tokens = await LoginAsync(client, email, DemoAccounts.DefaultPassword);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        return client;
    }

    /// <summary>Signs in through <c>POST /api/v1/auth/login</c> and returns the token answer.</summary>
    public static async Task<JsonElement> LoginAsync(HttpClient client, string email, string password)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Signing in as {email} answered {(int)response.StatusCode}.");
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(Environments.Development);
        foreach (var (key, value) in TestDatabaseSettings.For(DataDirectory))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (Clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }

    /// <remarks>DisposeAsync ends here too, after the host has stopped.</remarks>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TestDatabaseSettings.Delete(DataDirectory);
        }
    }
}
