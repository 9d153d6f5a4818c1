using MedicalPortal.Core;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Sharding;
using MedicalPortal.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>
/// A real catalog and real shards (<see cref="TestDatabases"/>: SQLite files in WAL mode, or PostgreSQL databases),
/// wired exactly as the portal wires them, and initialized (migrations, shard map, roles, permissions): one portal node.
/// </summary>
public sealed class ShardedDatabase : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly bool _ownsDatabases;

    private ShardedDatabase(IHost host, TestDatabases databases, IReadOnlyList<string> shards, bool ownsDatabases)
    {
        _host = host;
        Databases = databases;
        ShardNames = shards;
        _ownsDatabases = ownsDatabases;
    }

    /// <summary>The databases and folder this node runs on: start another node on them with <see cref="StartAsync"/>.</summary>
    public TestDatabases Databases { get; }

    public TestProvider Provider => Databases.Provider;

    /// <summary>The node's content root.</summary>
    public string Directory => Databases.Directory;

    /// <summary>Where the node keeps its own files: Development keys, exports.</summary>
    public string DataFolder => Databases.DataFolder;

    public IReadOnlyList<string> ShardNames { get; }

    public IServiceProvider Services => _host.Services;

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    internal ShardDbContext OpenShard(string shard) => Get<ShardContextFactory>().Create(shard);

    /// <summary>
    /// Creates <paramref name="shardCount"/> fresh shards and a catalog on <paramref name="provider"/> and starts a node on
    /// them, in <paramref name="environment"/> (Development unless named), with <paramref name="settings"/> added to the
    /// configuration. Disposing it drops the databases.
    /// </summary>
    public static async Task<ShardedDatabase> CreateAsync(
        TestProvider provider,
        int shardCount = 2,
        TimeProvider? clock = null,
        Action<IServiceCollection>? configure = null,
        string? environment = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var databases = await TestDatabases.CreateAsync(provider, shardCount);
        try
        {
            return await StartAsync(databases, shardCount, clock, configure, environment, settings, ownsDatabases: true);
        }
        catch
        {
            await databases.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a node on <paramref name="databases"/> (on the first <paramref name="shardCount"/> shards, all unless named):
    /// a restart, or a second node of one installation, when another node has initialized them already. Disposing it
    /// stops the node and leaves the databases to their owner. <paramref name="serving"/>: initialized as the portal
    /// does (a shard that does not answer waits), rather than as a command (it stops the start).
    /// </summary>
    public static Task<ShardedDatabase> StartAsync(
        TestDatabases databases,
        int? shardCount = null,
        TimeProvider? clock = null,
        Action<IServiceCollection>? configure = null,
        string? environment = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool serving = false)
    {
        ArgumentNullException.ThrowIfNull(databases);
        return StartAsync(databases, shardCount ?? databases.Shards.Count, clock, configure, environment, settings, ownsDatabases: false, serving);
    }

    private static async Task<ShardedDatabase> StartAsync(
        TestDatabases databases,
        int shardCount,
        TimeProvider? clock,
        Action<IServiceCollection>? configure,
        string? environment,
        IReadOnlyDictionary<string, string?>? settings,
        bool ownsDatabases,
        bool serving = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = environment ?? Environments.Development,
            ContentRootPath = databases.Directory,
            DisableDefaults = true,
        });
        var configuration = databases.Settings(shardCount);
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
            var initializer = host.Services.GetRequiredService<IDatabaseInitializer>();
            await (serving ? initializer.InitializeServingAsync(CancellationToken.None) : initializer.InitializeAsync(CancellationToken.None));
        }
        catch
        {
            // The caller gets no ShardedDatabase to dispose: release the host here.
            host.Dispose();
            throw;
        }

        return new ShardedDatabase(host, databases, [.. databases.Shards.Take(shardCount).Select(s => s.Name)], ownsDatabases);
    }

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        await Task.Yield();
        if (_ownsDatabases)
        {
            await Databases.DisposeAsync();
        }
    }
}
