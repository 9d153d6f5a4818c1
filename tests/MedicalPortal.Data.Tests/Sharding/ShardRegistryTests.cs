using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Providers;
using MedicalPortal.Data.Sharding;
using MedicalPortal.Data.Tests.Infrastructure;
using MedicalPortal.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Tests.Sharding;

/// <summary>
/// A shard an operator adds is registered in the catalog: migrated first, then known to the node that added it and to
/// every node that starts afterwards, with no buckets; down at a node's start, it waits as a configured shard does. What
/// cannot be a new shard is refused with nothing written, and its connection string is kept protected and out of the
/// audit trail.
/// </summary>
public abstract class ShardRegistryTests(TestProvider provider) : IAsyncLifetime
{
    private const string Added = "shard-new";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly AuditActor Operator = new(null, "shards add command (tester)");

    // One retry, so that a database that does not answer is given up on soon.
    private static readonly Dictionary<string, string?> Settings = new() { ["Database:MaxRetryCount"] = "1" };

    private ShardedDatabase _db = default!;

    private IShardRegistry Registry => _db.Get<IShardRegistry>();

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, settings: Settings);

    public virtual async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>An empty database of the test's own, for a shard to add; <paramref name="stoppable"/>: one that <see cref="TakeDownAsync"/> can stop.</summary>
    protected abstract Task<string> NewDatabaseAsync(ShardedDatabase db, bool stoppable = false);

    /// <summary>A database that does not answer at all.</summary>
    protected abstract string DeadDatabase(ShardedDatabase db);

    /// <summary>A connection string the provider can read, of a database nobody will ever create.</summary>
    protected abstract string UnusedDatabase(ShardedDatabase db);

    protected abstract Task TakeDownAsync(string connectionString);

    protected abstract Task BringBackAsync(string connectionString);

    [Fact]
    public async Task AddAsync_NewDatabase_MigratesItAndTheNodeKnowsItWithNoBuckets()
    {
        var connectionString = await NewDatabaseAsync(_db);

        var addition = await Registry.AddAsync(Added, connectionString, Operator, None);

        Assert.Equal(new ShardAddition(ShardAdditionOutcome.Added, Added), addition);
        Assert.Equal(["shard-0", "shard-1", Added], _db.Get<ShardContextFactory>().Known);
        Assert.DoesNotContain(_db.Get<IShardMap>().Ranges, range => range.Shard == Added);
        await using var shard = _db.OpenShard(Added);
        Assert.Empty(await shard.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await shard.Patients.CountAsync());
    }

    [Fact]
    public async Task AddAsync_NodeStartedAfterwards_KnowsTheShardFromTheCatalog()
    {
        var connectionString = await NewDatabaseAsync(_db);
        await Registry.AddAsync(Added, connectionString, Operator, None);

        // Another node, or this one restarted: nothing of the registration lives in the first node's memory.
        await using var next = await ShardedDatabase.StartAsync(_db.Databases, settings: Settings);

        Assert.Equal(["shard-0", "shard-1", Added], next.Get<ShardContextFactory>().Known);
        Assert.Equal(_db.Get<IShardMap>().Ranges, next.Get<IShardMap>().Ranges);
        await using var shard = next.OpenShard(Added);
        Assert.Empty(await shard.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task AddAsync_SameNameAndConnectionStringAgain_AlreadyAddedAndRegisteredOnce()
    {
        var connectionString = await NewDatabaseAsync(_db);
        await Registry.AddAsync(Added, connectionString, Operator, None);

        var again = await Registry.AddAsync(Added.ToUpperInvariant(), connectionString, Operator, None);

        Assert.Equal(new ShardAddition(ShardAdditionOutcome.AlreadyAdded, Added), again);
        Assert.Equal([Added], (await RegistrationsAsync()).Select(r => r.Name));
        Assert.Single(await RegistrationEntriesAsync());
    }

    [Fact]
    public async Task AddAsync_RegisteredNameWithAnotherConnectionString_RefusedAndTheFirstStays()
    {
        var connectionString = await NewDatabaseAsync(_db);
        await Registry.AddAsync(Added, connectionString, Operator, None);

        var other = await Registry.AddAsync(Added, UnusedDatabase(_db), Operator, None);

        Assert.Equal(ShardAdditionOutcome.Refused, other.Outcome);
        Assert.Contains("registered already, with another connection string", other.Problem, StringComparison.Ordinal);
        Assert.Single(await RegistrationsAsync());
        Assert.Equal(connectionString, _db.Get<ShardContextFactory>().ConnectionStringOf(Added));
    }

    [Theory]
    [InlineData("shard 9", "may hold only")]
    [InlineData("", "is empty")]
    [InlineData("SHARD-0", "is configured in Database:Shards already")]
    public async Task AddAsync_NameNoNewShardMayHave_RefusedWithNothingWritten(string name, string problem)
    {
        var addition = await Registry.AddAsync(name, UnusedDatabase(_db), Operator, None);

        Assert.Equal(ShardAdditionOutcome.Refused, addition.Outcome);
        Assert.Contains(problem, addition.Problem, StringComparison.Ordinal);
        await AssertNothingAddedAsync();
    }

    [Fact]
    public async Task AddAsync_ConnectionStringTheProviderCannotRead_RefusedWithoutRepeatingIt()
    {
        const string secret = "hunter2-not-for-messages";

        var addition = await Registry.AddAsync(Added, $"Nonsense=1;Password={secret}", Operator, None);

        Assert.Equal(ShardAdditionOutcome.Refused, addition.Outcome);
        Assert.StartsWith("The connection string is not a", addition.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, addition.Problem, StringComparison.Ordinal);
        await AssertNothingAddedAsync();
    }

    [Theory]
    [InlineData("catalog", "the catalog")]
    [InlineData("shard-1", "shard 'shard-1'")]
    public async Task AddAsync_DatabaseInUseAlready_Refused(string database, string named)
    {
        var connectionString = database == "catalog"
            ? _db.Databases.Catalog
            : _db.Databases.Shards.Single(s => s.Name == database).ConnectionString;

        var addition = await Registry.AddAsync(Added, connectionString, Operator, None);

        Assert.Equal(ShardAdditionOutcome.Refused, addition.Outcome);
        Assert.Contains($"leads to the database of {named}", addition.Problem, StringComparison.Ordinal);
        await AssertNothingAddedAsync();
    }

    [Fact]
    public async Task AddAsync_DatabaseThatDoesNotAnswer_ThrowsNamingTheShardAndRegistersNothing()
    {
        var error = await Assert.ThrowsAsync<DatabaseUnavailableException>(
            () => Registry.AddAsync(Added, DeadDatabase(_db), Operator, None));

        Assert.Equal(Added, error.Database);
        Assert.StartsWith($"The shard '{Added}' database (the connection string given) cannot be reached", error.Message, StringComparison.Ordinal);
        await AssertNothingAddedAsync();
    }

    [Fact]
    public async Task AddAsync_Registration_InTheCatalogsAuditTrailWithoutTheConnectionString()
    {
        var connectionString = await NewDatabaseAsync(_db);

        await Registry.AddAsync(Added, connectionString, Operator, None);

        var entry = Assert.Single(await RegistrationEntriesAsync());
        Assert.Equal((nameof(AuditAction.Create), Operator.Name, null), (entry.Action, entry.ActorName, entry.PatientId));
        Assert.Equal("[redacted]", AuditTrail.Changes(entry).Single(c => c.Property == "ProtectedConnectionString").New);
        Assert.DoesNotContain(Database(connectionString), entry.Changes, StringComparison.OrdinalIgnoreCase);
        Assert.All(await _db.Get<IAuditStore>().VerifyAsync(None), chain => Assert.True(chain.IsIntact, chain.Database));
    }

    [Fact]
    public async Task AddAsync_ConnectionString_StoredProtected()
    {
        var connectionString = await NewDatabaseAsync(_db);

        await Registry.AddAsync(Added, connectionString, Operator, None);

        var stored = Assert.Single(await RegistrationsAsync()).ProtectedConnectionString;
        Assert.DoesNotContain(Database(connectionString), stored, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(connectionString, _db.Get<IDataProtectionProvider>().CreateProtector(ShardRegistry.Purpose).Unprotect(stored));
    }

    [Fact]
    public async Task InitializeServingAsync_RegisteredShardDown_WaitsLikeAConfiguredOneAndServesOnceMigrated()
    {
        var connectionString = await NewDatabaseAsync(_db, stoppable: true);
        await Registry.AddAsync(Added, connectionString, Operator, None);
        await TakeDownAsync(connectionString);

        await using var node = await ShardedDatabase.StartAsync(_db.Databases, settings: Settings, serving: true);
        var shards = node.Get<ShardContextFactory>();
        Assert.Equal([Added], shards.Waiting);
        Assert.Equal(Added, Assert.Throws<ShardUnavailableException>(() => shards.Create(Added)).Shard);

        await BringBackAsync(connectionString);
        Assert.Empty(await node.Get<IDatabaseInitializer>().MigrateWaitingShardsAsync(None));
        await using var shard = shards.Create(Added);
        Assert.Equal(0, await shard.Patients.CountAsync());
    }

    [Fact]
    public async Task InitializeAsync_RegisteredShardDown_StopsTheCommandNamingTheShardAndTheRegistry()
    {
        var connectionString = await NewDatabaseAsync(_db, stoppable: true);
        await Registry.AddAsync(Added, connectionString, Operator, None);
        await TakeDownAsync(connectionString);

        var error = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => ShardedDatabase.StartAsync(_db.Databases, settings: Settings));

        Assert.Equal(Added, error.Database);
        Assert.StartsWith($"The shard '{Added}' database (registered in the catalog) cannot be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ConfigurationNamesARegisteredShardForAnotherDatabase_RefusesToStart()
    {
        await Registry.AddAsync(Added, await NewDatabaseAsync(_db), Operator, None);
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Database:Shards:2:Name"] = Added,
            ["Database:Shards:2:ConnectionString"] = UnusedDatabase(_db),
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ShardedDatabase.StartAsync(_db.Databases, settings: settings));

        Assert.Contains($"'{Added}' is known with another connection string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Learn_KnownShard_SameConnectionStringKeptAnotherRefused()
    {
        var shards = _db.Get<ShardContextFactory>();
        var shard0 = _db.Databases.Shards[0];

        shards.Learn(new ShardConnection { Name = "SHARD-0", ConnectionString = shard0.ConnectionString });
        Assert.Throws<InvalidOperationException>(() => shards.Learn(new ShardConnection { Name = "shard-0", ConnectionString = UnusedDatabase(_db) }));

        Assert.Equal(["shard-0", "shard-1"], shards.Known);
        Assert.Equal(shard0.ConnectionString, shards.ConnectionStringOf("shard-0"));
    }

    /// <summary>The part of a connection string that says where the database is: a file's name, or a database's.</summary>
    private string Database(string connectionString) =>
        _db.Get<DatabaseProviderServices>().DatabaseOf(connectionString).Split('/', ':').Last();

    private async Task<List<ShardRegistrationRow>> RegistrationsAsync()
    {
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        return await catalog.ShardRegistrations.AsNoTracking().ToListAsync();
    }

    private async Task<List<AuditEntry>> RegistrationEntriesAsync() =>
        [.. (await AuditTrail.EntriesAsync(_db, AuditTrail.Catalog)).Where(e => e.ResourceId == Added)];

    private async Task AssertNothingAddedAsync()
    {
        Assert.Empty(await RegistrationsAsync());
        Assert.Empty(await RegistrationEntriesAsync());
        Assert.Equal(["shard-0", "shard-1"], _db.Get<ShardContextFactory>().Known);
    }

    public sealed class OnSqlite() : ShardRegistryTests(TestProvider.Sqlite)
    {
        protected override Task<string> NewDatabaseAsync(ShardedDatabase db, bool stoppable = false) =>
            Task.FromResult($"Data Source={Path.Combine(db.Directory, "added-database.db")}");

        /// <summary>A folder where the file should be: SQLite can neither open nor create it.</summary>
        protected override string DeadDatabase(ShardedDatabase db)
        {
            var connectionString = $"Data Source={Path.Combine(db.Directory, "dead.db")}";
            SqliteOutage.TakeDown(connectionString);
            return connectionString;
        }

        protected override string UnusedDatabase(ShardedDatabase db) => $"Data Source={Path.Combine(db.Directory, "unused.db")}";

        protected override Task TakeDownAsync(string connectionString)
        {
            SqliteOutage.TakeDown(connectionString);
            return Task.CompletedTask;
        }

        protected override Task BringBackAsync(string connectionString)
        {
            SqliteOutage.BringBack(connectionString);
            return Task.CompletedTask;
        }
    }

    public sealed class OnPostgres() : ShardRegistryTests(TestProvider.Postgres)
    {
        private readonly List<IAsyncDisposable> _owned = [];
        private PostgresCluster? _server;

        protected override async Task<string> NewDatabaseAsync(ShardedDatabase db, bool stoppable = false)
        {
            if (stoppable)
            {
                _server = await PostgresCluster.StartAsync();
                return await _server.CreateDatabaseAsync("shard_new");
            }

            // A set of no shards is its catalog alone: an empty database on this run's servers.
            var databases = await TestPostgres.CreateAsync(shardCount: 0);
            _owned.Add(databases);
            return databases.Catalog;
        }

        protected override string DeadDatabase(ShardedDatabase db) =>
            $"Host=127.0.0.1;Port={LoopbackPort.Free()};Username=postgres;Database=dead";

        protected override string UnusedDatabase(ShardedDatabase db) =>
            $"{TestPostgres.Servers[0]};Database=mp_never_created";

        protected override Task TakeDownAsync(string connectionString) => _server!.StopAsync(immediate: true);

        protected override Task BringBackAsync(string connectionString) => _server!.StartAgainAsync();

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            foreach (var owned in _owned)
            {
                await owned.DisposeAsync();
            }

            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
