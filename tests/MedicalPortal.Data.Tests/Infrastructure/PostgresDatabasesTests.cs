using MedicalPortal.Testing;
using Npgsql;
using static MedicalPortal.Data.Tests.Infrastructure.PostgresQuery;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>
/// The test support for real PostgreSQL, on the servers of this run (test.sh): fresh databases where the layout puts
/// them, raw SQL on one of them, and nothing left behind.
/// </summary>
public sealed class PostgresDatabasesTests
{
    [Fact]
    public async Task CreateAsync_TwoShards_PutsTheCatalogOnTheFirstServerAndTheShardsOnTheOthers()
    {
        var servers = TestPostgres.Servers;

        await using var databases = await TestPostgres.CreateAsync(shardCount: 2);

        Assert.Equal(Port(servers[0]), await ScalarAsync<int>(databases.Catalog, "SELECT inet_server_port()"));
        for (var i = 0; i < 2; i++)
        {
            var server = servers.Count == 1 ? servers[0] : servers[1 + (i % (servers.Count - 1))];
            Assert.Equal($"shard-{i}", databases.Shards[i].Name);
            Assert.Equal(Port(server), await ScalarAsync<int>(databases.Shards[i].ConnectionString, "SELECT inet_server_port()"));
        }

        var names = await NamesAsync(databases);
        Assert.Matches("^mp_[0-9a-f]{12}_catalog$", names[0]);
        var prefix = names[0][..^"_catalog".Length];
        Assert.Equal([$"{prefix}_catalog", $"{prefix}_shard_0", $"{prefix}_shard_1"], names);
        Assert.Equal(0L, await ScalarAsync<long>(databases.Shards[1].ConnectionString, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [Fact]
    public async Task CreateAsync_WithThreeServers_PutsEachShardOnItsOwnServer()
    {
        // test.sh starts three: the layout must then spread the shards, or the sharding tests would prove little.
        Assert.True(TestPostgres.Servers.Count >= 3, $"{TestPostgres.Variable} names fewer than three servers.");

        await using var databases = await TestPostgres.CreateAsync(shardCount: 2);

        var ports = new List<int>();
        foreach (var connectionString in new[] { databases.Catalog }.Concat(databases.Shards.Select(s => s.ConnectionString)))
        {
            ports.Add(await ScalarAsync<int>(connectionString, "SELECT inet_server_port()"));
        }

        Assert.Equal(3, ports.Distinct().Count());
    }

    [Fact]
    public async Task CreateAsync_TwoRuns_NameTheirDatabasesApart()
    {
        await using var first = await TestPostgres.CreateAsync(shardCount: 1);
        await using var second = await TestPostgres.CreateAsync(shardCount: 1);

        Assert.Empty((await NamesAsync(first)).Intersect(await NamesAsync(second)));
    }

    [Fact]
    public async Task ExecuteAsync_OnAShard_ChangesThatShardOnly()
    {
        await using var databases = await TestPostgres.CreateAsync(shardCount: 2);
        var shard = databases.Shards[0].ConnectionString;

        await databases.ExecuteAsync(shard, "CREATE TABLE t(x int)");
        var inserted = await databases.ExecuteAsync(shard, "INSERT INTO t VALUES (1), (2)");

        Assert.Equal(2, inserted);
        Assert.Equal(2L, await ScalarAsync<long>(shard, "SELECT count(*) FROM t"));
        Assert.Null(await ScalarAsync<string?>(databases.Shards[1].ConnectionString, "SELECT to_regclass('t')::text"));
        Assert.Null(await ScalarAsync<string?>(databases.Catalog, "SELECT to_regclass('t')::text"));
    }

    [Fact]
    public async Task ExecuteAsync_OnAnotherDatabase_Throws()
    {
        await using var databases = await TestPostgres.CreateAsync(shardCount: 1);
        var elsewhere = new NpgsqlConnectionStringBuilder(TestPostgres.Servers[0]) { Database = "postgres" }.ConnectionString;

        await Assert.ThrowsAsync<ArgumentException>(() => databases.ExecuteAsync(elsewhere, "CREATE TABLE t(x int)"));
    }

    [Fact]
    public async Task Settings_NameTheDatabasesInThePortalsKeys()
    {
        await using var databases = await TestPostgres.CreateAsync(shardCount: 2);

        var expected = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:Catalog"] = databases.Catalog,
            ["Database:Shards:0:Name"] = "shard-0",
            ["Database:Shards:0:ConnectionString"] = databases.Shards[0].ConnectionString,
            ["Database:Shards:1:Name"] = "shard-1",
            ["Database:Shards:1:ConnectionString"] = databases.Shards[1].ConnectionString,
        };
        Assert.Equal(expected.OrderBy(setting => setting.Key), databases.Settings.OrderBy(setting => setting.Key));
    }

    [Fact]
    public async Task ConnectionStrings_BoundTheirPool_AndKeepRowValuesOutOfErrors()
    {
        await using var databases = await TestPostgres.CreateAsync(shardCount: 1);

        foreach (var connectionString in new[] { databases.Catalog, databases.Shards[0].ConnectionString })
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            Assert.Equal(20, builder.MaxPoolSize);
            Assert.False(builder.IncludeErrorDetail); // error details can quote a patient's row
        }
    }

    [Fact]
    public async Task DisposeAsync_WithAConnectionStillOpen_DropsEveryDatabase()
    {
        var databases = await TestPostgres.CreateAsync(shardCount: 2);
        var names = await NamesAsync(databases);
        await using var leftOpen = new NpgsqlConnection(databases.Catalog);
        await leftOpen.OpenAsync();
        await databases.ExecuteAsync(databases.Shards[0].ConnectionString, "SELECT 1"); // and one back in the pool

        await databases.DisposeAsync();

        foreach (var server in TestPostgres.Servers)
        {
            var left = await ScalarAsync<long>(
                new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString,
                $"SELECT count(*) FROM pg_database WHERE datname IN ({string.Join(", ", names.Select(n => $"'{n}'"))})");
            Assert.Equal(0L, left);
        }
    }

    private static int Port(string server) => new NpgsqlConnectionStringBuilder(server).Port;

    private static async Task<List<string>> NamesAsync(PostgresDatabases databases)
    {
        var names = new List<string> { (await ScalarAsync<string?>(databases.Catalog, "SELECT current_database()"))! };
        foreach (var (_, connectionString) in databases.Shards)
        {
            names.Add((await ScalarAsync<string?>(connectionString, "SELECT current_database()"))!);
        }

        return names;
    }
}
