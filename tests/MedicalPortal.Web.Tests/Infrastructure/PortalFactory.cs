using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// The whole portal in memory, on a fresh SQLite catalog and two SQLite shards in a temporary folder (or on
/// <see cref="Databases"/>), in the Development environment so the demo accounts and demo patients are seeded.
/// Disposing deletes the folder.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    /// <summary>The folder that holds the catalog and the shard files, unless the portal runs on <see cref="Databases"/>.</summary>
    public string DataDirectory { get; } = TestDatabaseSettings.NewDirectory();

    /// <summary>
    /// Databases to run on instead of the SQLite files in <see cref="DataDirectory"/>, such as PostgreSQL ones. Whoever
    /// created them disposes them, after this factory.
    /// </summary>
    public TestDatabases? Databases { get; init; }

    /// <summary>The clock the portal runs on, when a test wants to move time; null for the system clock.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>
    /// Sign-in limits out of the way: every test signs in afresh, all from the same (test server) address. The tests of
    /// the limits themselves set theirs through <see cref="Settings"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> UnthrottledSignIn { get; } = new Dictionary<string, string?>
    {
        ["Security:SignInLimits:PerAddressPerMinute"] = "1000000",
        ["Security:SignInLimits:PerAccountPerQuarterHour"] = "1000000",
        ["Security:SignInLimits:RefreshesPerAddressPerMinute"] = "1000000",
        ["Security:SignInLimits:RegistrationsPerAddressPerHour"] = "1000000",
    };

    /// <summary>Services of the test's own (a decorated store that a test holds at a point), registered last.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>Settings of the test's own, applied last.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>An anonymous client.</summary>
    public HttpClient CreateAnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client that carries the bearer token of a demo account (see <see cref="DemoUsers"/>).</summary>
    public Task<HttpClient> CreateClientForAsync(string email) => CreateClientForAsync(email, DemoAccounts.DefaultPassword);

    /// <summary>A client that carries the bearer token of any account, signed in with its password.</summary>
    public async Task<HttpClient> CreateClientForAsync(string email, string password)
    {
        using var anonymous = CreateAnonymousClient();
        var tokens = await LoginAsync(anonymous, email, password);
        return CreateClientWithToken(tokens.GetProperty("accessToken").GetString()!);
    }

    /// <summary>A client that sends <paramref name="accessToken"/>, such as one kept from an earlier sign-in.</summary>
    public HttpClient CreateClientWithToken(string accessToken)
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>The patient record linked to an account, read from the account store rather than through the API.</summary>
    public async Task<Guid?> LinkedPatientIdAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(email))?.PatientId;
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
        foreach (var (key, value) in (Databases?.Settings ?? TestDatabaseSettings.For(DataDirectory)).Concat(UnthrottledSignIn).Concat(Settings))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddLogCapture());
        if (Clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }

        if (TestServices is { } testServices)
        {
            builder.ConfigureTestServices(testServices);
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
