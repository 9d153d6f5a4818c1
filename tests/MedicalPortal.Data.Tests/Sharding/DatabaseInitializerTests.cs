using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Sharding;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Tests.Sharding;

public abstract class DatabaseInitializerTests(TestProvider provider)
{
    [Fact]
    public async Task InitializeAsync_FreshDatabases_AppliesEveryMigrationToCatalogAndShards()
    {
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 2);

        await using var catalog = await db.Get<IDbContextFactory<Catalog.CatalogDbContext>>().CreateDbContextAsync();
        await using var shard0 = db.OpenShard("shard-0");
        await using var shard1 = db.OpenShard("shard-1");
        foreach (var context in new DbContext[] { catalog, shard0, shard1 })
        {
            Assert.Empty(await context.Database.GetPendingMigrationsAsync());
            Assert.NotEmpty(await context.Database.GetAppliedMigrationsAsync());
        }
    }

    [Fact]
    public async Task Migrations_MatchTheModel_NoChangeIsLeftWithoutAMigration()
    {
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1);

        await using var catalog = await db.Get<IDbContextFactory<Catalog.CatalogDbContext>>().CreateDbContextAsync();
        await using var shard = db.OpenShard("shard-0");

        Assert.False(catalog.Database.HasPendingModelChanges(), "The catalog model changed: add a migration.");
        Assert.False(shard.Database.HasPendingModelChanges(), "The shard model changed: add a migration.");
    }

    [Fact]
    public async Task InitializeAsync_SplitsAllBucketsEvenlyOverTheShards()
    {
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 3);
        var map = db.Get<IShardMap>();

        Assert.Equal(["shard-0", "shard-1", "shard-2"], map.Shards);
        var perShard = Enumerable.Range(0, Buckets.Count).GroupBy(map.ShardForBucket).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(perShard.Values, count => Assert.InRange(count, 1365, 1366));
    }

    [Fact]
    public async Task InitializeAsync_SecondNodeOnTheSameFiles_ReusesTheMapAndSeedsNothingTwice()
    {
        await using var first = await ShardedDatabase.CreateAsync(provider, shardCount: 2);

        // A second "node" on the same databases, initializing at the same moment as a third.
        var nodes = await Task.WhenAll(ShardedDatabase.StartAsync(first.Databases), ShardedDatabase.StartAsync(first.Databases));
        await using var second = nodes[0];
        await using var third = nodes[1];

        await using var catalog = await first.Get<IDbContextFactory<Catalog.CatalogDbContext>>().CreateDbContextAsync();
        Assert.Equal(2, await catalog.ShardRanges.CountAsync());
        Assert.Equal(RoleNames.Seeded.Count, await catalog.Roles.CountAsync());
        Assert.Equal(
            DefaultPermissions.Matrix.Roles.Sum(r => Enum.GetValues<Resource>().Count(x => DefaultPermissions.Matrix.Granted(r, x) != Operations.None)),
            await catalog.RolePermissions.CountAsync());
        foreach (var node in nodes)
        {
            Assert.Equal(first.Get<IShardMap>().Ranges, node.Get<IShardMap>().Ranges);
        }
    }

    [Fact]
    public async Task InitializeAsync_NodesStartedTogetherOnFreshDatabases_EveryNodeStartsAndEachMigrationIsAppliedOnce()
    {
        await using var databases = await TestDatabases.CreateAsync(provider, shardCount: 2);

        // Every migration pending at once on every database: no node may apply one that another applied meanwhile.
        var starts = Enumerable.Range(0, 3).Select(_ => ShardedDatabase.StartAsync(databases)).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        catch (Exception)
        {
            // Reported below, one node at a time, once the nodes that started are stopped.
        }
        finally
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully))
            {
                await (await start).DisposeAsync();
            }
        }

        Assert.All(starts, start => Assert.Null(start.Exception));
        await using var node = await ShardedDatabase.StartAsync(databases);
        await using var catalog = await node.Get<IDbContextFactory<Catalog.CatalogDbContext>>().CreateDbContextAsync();
        Assert.Equal(catalog.Database.GetMigrations(), await catalog.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task InitializeAsync_MapNamesAShardThatIsNotConfigured_RefusesToStart()
    {
        await using var three = await ShardedDatabase.CreateAsync(provider, shardCount: 3);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ShardedDatabase.StartAsync(three.Databases, shardCount: 2));

        Assert.Contains("shard-2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermissionStore_AfterInitialization_HoldsTheDefaultMatrix()
    {
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1);

        var matrix = await db.Get<IPermissionStore>().GetMatrixAsync(CancellationToken.None);

        foreach (var role in RoleNames.Seeded)
        {
            foreach (var resource in Enum.GetValues<Resource>())
            {
                Assert.Equal(DefaultPermissions.Matrix.Granted(role, resource), matrix.Granted(role, resource));
            }
        }
    }

    public sealed class OnSqlite() : DatabaseInitializerTests(TestProvider.Sqlite)
    {
        // About SQLite itself: its files, their journal mode, its busy timeout.
        [Fact]
        public async Task InitializeAsync_FreshFolder_CreatesCatalogAndShardFilesInWalMode()
        {
            await using var db = await ShardedDatabase.CreateAsync(TestProvider.Sqlite, shardCount: 2);

            foreach (var file in new[] { "catalog.db", "shard-0.db", "shard-1.db" })
            {
                var path = Path.Combine(db.Directory, file);
                Assert.True(File.Exists(path), $"{file} was not created.");
                await using var connection = new SqliteConnection($"Data Source={path}");
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode;";
                Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
            }
        }

        [Fact]
        public async Task OpenedConnections_CatalogAndShards_LetSqliteWaitForTheWriteLock()
        {
            // Without a busy timeout, Microsoft.Data.Sqlite sleeps 150 ms whenever two writers meet on a file.
            await using var db = await ShardedDatabase.CreateAsync(TestProvider.Sqlite, shardCount: 1);
            await using var catalog = await db.Get<IDbContextFactory<Catalog.CatalogDbContext>>().CreateDbContextAsync();
            await using var shard = db.OpenShard("shard-0");

            foreach (DbContext context in new DbContext[] { catalog, shard })
            {
                await context.Database.OpenConnectionAsync();
                await using var command = context.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA busy_timeout;";
                Assert.Equal(30_000L, (long)(await command.ExecuteScalarAsync())!);
            }
        }
    }

    public sealed class OnPostgres() : DatabaseInitializerTests(TestProvider.Postgres);
}
