using MedicalPortal.Core;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Sharding;
using MedicalPortal.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>
/// A real catalog and real shard files (SQLite, WAL) in a fresh temporary folder, wired exactly as the portal wires
/// them, and initialized (migrations, shard map, roles, permissions). Disposing deletes the folder.
/// </summary>
public sealed class ShardedDatabase : IAsyncDisposable
{
    private readonly IHost _host;

    private ShardedDatabase(IHost host, string directory, IReadOnlyList<string> shards)
    {
        _host = host;
        Directory = directory;
        ShardNames = shards;
    }

    public string Directory { get; }

    public IReadOnlyList<string> ShardNames { get; }

    public IServiceProvider Services => _host.Services;

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    internal ShardDbContext OpenShard(string shard) => Get<ShardContextFactory>().Create(shard);

    /// <summary>
    /// Creates and initializes <paramref name="shardCount"/> shards (or reuses <paramref name="directory"/>), in
    /// <paramref name="environment"/> (Development unless named), with <paramref name="settings"/> added to the configuration.
    /// </summary>
    public static async Task<ShardedDatabase> CreateAsync(
        int shardCount = 2,
        string? directory = null,
        TimeProvider? clock = null,
        Action<IServiceCollection>? configure = null,
        string? environment = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "medicalportal-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var shards = Enumerable.Range(0, shardCount).Select(i => $"shard-{i}").ToList();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = environment ?? Environments.Development,
            ContentRootPath = directory,
            DisableDefaults = true,
        });
        var configuration = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:Catalog"] = $"Data Source={Path.Combine(directory, "catalog.db")}",
        };
        for (var i = 0; i < shards.Count; i++)
        {
            configuration[$"Database:Shards:{i}:Name"] = shards[i];
            configuration[$"Database:Shards:{i}:ConnectionString"] = $"Data Source={Path.Combine(directory, $"{shards[i]}.db")}";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        builder.Logging.AddLogCapture();
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        builder.AddMedicalPortalCore();
        builder.AddMedicalPortalData();
        builder.Services.AddIdentityCore<ApplicationUser>(o => o.Password.RequiredLength = 12).AddPortalIdentityStores();
        configure?.Invoke(builder.Services);

        var host = builder.Build();
        try
        {
            // As the portal does before it prepares the databases: a bad setting stops it before anything is written.
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            await host.Services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(CancellationToken.None);
        }
        catch
        {
            // The caller gets no ShardedDatabase to dispose: release the host here.
            host.Dispose();
            throw;
        }

        return new ShardedDatabase(host, directory, shards);
    }

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        await Task.Yield();
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean; the next run uses a new folder anyway.
        }
    }
}
