using MedicalPortal.Testing;
using Npgsql;
using static MedicalPortal.Data.Tests.Infrastructure.PostgresQuery;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>
/// The test support for a PostgreSQL server of a test's own (issue 14: one shard down is not an outage): it starts, dies
/// at once when stopped, comes back on the same port with what was committed, and leaves nothing behind.
/// </summary>
public sealed class PostgresClusterTests
{
    [Fact]
    public async Task StartAsync_NewCluster_AnswersOnItsOwnPortFromAFolderUnderTmp()
    {
        await using var cluster = await PostgresCluster.StartAsync();

        var port = await ScalarAsync<int>(Maintenance(cluster), "SELECT inet_server_port()");

        Assert.Equal(cluster.Port, port);
        Assert.Equal($"Host=127.0.0.1;Port={cluster.Port};Username=postgres", cluster.Server);
        Assert.True(cluster.IsRunning);
        Assert.StartsWith("/tmp/", cluster.DataDirectory, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(cluster.DataDirectory, "PG_VERSION")));
    }

    [Fact]
    public async Task StartAsync_TwoClusters_GetTheirOwnPortsAndFolders()
    {
        await using var first = await PostgresCluster.StartAsync();
        await using var second = await PostgresCluster.StartAsync();

        Assert.NotEqual(first.Port, second.Port);
        Assert.NotEqual(first.DataDirectory, second.DataDirectory);
        Assert.Equal(second.Port, await ScalarAsync<int>(Maintenance(second), "SELECT inet_server_port()"));
    }

    [Fact]
    public async Task CreateDatabaseAsync_ReturnsAConnectionStringToIt_SortingAsTheRunsDatabasesDo()
    {
        await using var cluster = await PostgresCluster.StartAsync();

        var connectionString = await cluster.CreateDatabaseAsync("clinic");

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Assert.Equal(("127.0.0.1", cluster.Port, "postgres", "clinic"), (builder.Host, builder.Port, builder.Username, builder.Database));
        Assert.Equal(20, builder.MaxPoolSize);
        Assert.Equal("clinic", await ScalarAsync<string>(connectionString, "SELECT current_database()"));
        Assert.Equal("UTF8", await ScalarAsync<string>(connectionString, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'clinic'"));
        // ICU en-US puts "a" before "B"; the cluster's own "C" would put the capital first.
        Assert.True(await ScalarAsync<bool>(connectionString, "SELECT 'a' < 'B'"));
    }

    [Fact]
    public async Task CreateDatabaseAsync_NameThatIsNoPlainIdentifier_Throws()
    {
        // One cluster for the three: a start takes a second or two.
        await using var cluster = await PostgresCluster.StartAsync();
        string[] names = ["Clinic", "clinic\"; DROP DATABASE \"postgres", ""];

        foreach (var name in names)
        {
            await Assert.ThrowsAsync<ArgumentException>(() => cluster.CreateDatabaseAsync(name));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StopAsync_BreaksOpenConnectionsAndRefusesNewOnes(bool immediate)
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync("clinic");
        await using var open = new NpgsqlConnection(connectionString);
        await open.OpenAsync();
        Assert.Equal(1, await ScalarAsync<int>(open, "SELECT 1"));

        await cluster.StopAsync(immediate);

        Assert.False(cluster.IsRunning);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<int>(open, "SELECT 1"));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<int>(connectionString, "SELECT 1"));
    }

    [Fact]
    public async Task StartAgainAsync_AfterAnImmediateStop_AnswersOnTheSameConnectionStringWithTheCommittedRows()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync("clinic");
        var port = cluster.Port;
        await using (var before = new NpgsqlConnection(connectionString))
        {
            await before.OpenAsync();
            await ExecuteAsync(before, "CREATE TABLE visits(id int); INSERT INTO visits VALUES (1)");
            // Committed the moment before the crash: an asynchronous commit would still be in memory, and lost.
            await ExecuteAsync(before, "INSERT INTO visits VALUES (2)");
            await cluster.StopAsync(immediate: true);
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<int>(before, "SELECT 1"));
        }

        await cluster.StartAgainAsync();

        Assert.True(cluster.IsRunning);
        Assert.Equal(port, cluster.Port);
        Assert.Equal(port, await ScalarAsync<int>(connectionString, "SELECT inet_server_port()"));
        Assert.Equal(3L, await ScalarAsync<long>(connectionString, "SELECT sum(id) FROM visits"));
    }

    [Fact]
    public async Task StartAgainAsync_ConnectionPooledBeforeTheStop_FailsAtItsFirstUseAsAfterARealOutage()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync("clinic");
        Assert.Equal(1, await ScalarAsync<int>(connectionString, "SELECT 1")); // its connection goes back to the pool
        await cluster.StopAsync(immediate: true);

        await cluster.StartAgainAsync();

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<int>(connectionString, "SELECT 1"));
        Assert.Equal(1, await ScalarAsync<int>(connectionString, "SELECT 1"));
    }

    [Fact]
    public async Task DisposeAsync_RunningCluster_StopsItAndDeletesItsFolder()
    {
        var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync("clinic");
        Assert.Equal(1, await ScalarAsync<int>(connectionString, "SELECT 1")); // and one in the pool

        await cluster.DisposeAsync();

        Assert.False(Directory.Exists(cluster.DataDirectory));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<int>(connectionString, "SELECT 1"));
    }

    [Fact]
    public async Task DisposeAsync_AfterAStop_DeletesItsFolderWithoutThrowing()
    {
        var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync("clinic");
        Assert.Equal(1, await ScalarAsync<int>(connectionString, "SELECT 1")); // and one in the pool
        await cluster.StopAsync(immediate: true);

        await cluster.DisposeAsync();
        await cluster.DisposeAsync();

        Assert.False(Directory.Exists(cluster.DataDirectory));
    }

    [Fact]
    public void FindBinaries_NoPostgreSqlInstalled_SaysWhichPackageToInstall()
    {
        var empty = Directory.CreateTempSubdirectory("medicalportal-no-postgres-");
        try
        {
            var exception = Assert.Throws<InvalidOperationException>(() => PostgresCluster.FindBinaries(empty.FullName));

            Assert.Contains("Debian package postgresql", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private static string Maintenance(PostgresCluster cluster) =>
        new NpgsqlConnectionStringBuilder(cluster.Server) { Database = "postgres" }.ConnectionString;
}
