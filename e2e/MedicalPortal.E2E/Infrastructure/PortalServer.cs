using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using MedicalPortal.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.E2E.Infrastructure;

/// <summary>
/// The real portal on real Kestrel (a free loopback port), in Development with its demo accounts, on SQLite files in a
/// fresh temporary folder: a catalog and two shards.
/// </summary>
public sealed class PortalServer : WebApplicationFactory<Program>
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "medicalportal-e2e", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings;

    public PortalServer(IReadOnlyDictionary<string, string?>? settings = null)
    {
        Directory.CreateDirectory(_directory);
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Database:Catalog"] = $"Data Source={Path.Combine(_directory, "catalog.db")}",
            ["Database:Shards:0:Name"] = "shard-0",
            ["Database:Shards:0:ConnectionString"] = $"Data Source={Path.Combine(_directory, "shard-0.db")}",
            ["Database:Shards:1:Name"] = "shard-1",
            ["Database:Shards:1:ConnectionString"] = $"Data Source={Path.Combine(_directory, "shard-1.db")}",
        };
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel did not report its address.");
        BaseUrl = addresses.Addresses.First().TrimEnd('/');
    }

    /// <summary>Such as http://127.0.0.1:41234, without a trailing slash.</summary>
    public string BaseUrl { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Development");
        builder.ConfigureLogging(logging => logging.AddLogCapture());
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        // The tests sign in over and over from one address; the limits themselves are tested over HTTP.
        builder.UseSetting("Security:SignInLimits:PerAddressPerMinute", "1000000");
        builder.UseSetting("Security:SignInLimits:PerAccountPerQuarterHour", "1000000");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS; every run uses a new folder.
            }
        }
    }
}
