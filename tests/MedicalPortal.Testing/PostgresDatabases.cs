using System.Globalization;
using Npgsql;

namespace MedicalPortal.Testing;

/// <summary>
/// The PostgreSQL servers this test run started (test.sh, through scripts/postgres.sh), named by <see cref="Variable"/>:
/// comma-separated connection strings without a database, the catalog's server first.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "MEDICALPORTAL_TEST_POSTGRES";

    /// <summary>Server connection strings without a database; the first is the catalog's server.</summary>
    public static IReadOnlyList<string> Servers
    {
        get
        {
            var servers = (Environment.GetEnvironmentVariable(Variable) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return servers.Length > 0
                ? servers
                : throw new InvalidOperationException(
                    $"{Variable} is not set: these tests run on the PostgreSQL servers that ./test.sh starts. To run them on "
                    + "their own, start test servers in the repository with eval \"$(scripts/postgres.sh up --test)\" first "
                    + "(scripts/postgres.sh down --test stops them).");
        }
    }

    /// <summary>
    /// Fresh empty databases with unique names: the catalog on server 0, shard i on server 1 + i % (Servers.Count - 1)
    /// (all on server 0 if there is only one server).
    /// </summary>
    public static Task<PostgresDatabases> CreateAsync(int shardCount, CancellationToken cancellationToken = default) =>
        PostgresDatabases.CreateAsync(Servers, shardCount, cancellationToken);
}

/// <summary>
/// A catalog database and shard databases of the test's own on the run's PostgreSQL servers, named
/// <c>mp_&lt;12 hex&gt;_catalog</c> and <c>mp_&lt;same&gt;_shard_&lt;i&gt;</c>. Disposing drops them.
/// </summary>
public sealed class PostgresDatabases : IAsyncDisposable
{
    // Many tests run at once against servers allowing 200 connections each.
    private const int MaxPoolSize = 20;

    private readonly List<(string Server, string Name)> _created = [];

    private PostgresDatabases(List<(string Server, string Name)> databases)
    {
        Catalog = ConnectionString(databases[0].Server, databases[0].Name);
        Shards = databases.Skip(1)
            .Select((database, i) => ($"shard-{i}", ConnectionString(database.Server, database.Name)))
            .ToList();

        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:Catalog"] = Catalog,
        };
        for (var i = 0; i < Shards.Count; i++)
        {
            settings[$"Database:Shards:{i}:Name"] = Shards[i].Name;
            settings[$"Database:Shards:{i}:ConnectionString"] = Shards[i].ConnectionString;
        }

        Settings = settings;
    }

    /// <summary>The catalog's connection string, database included.</summary>
    public string Catalog { get; }

    /// <summary>The shards, named <c>shard-0</c>, <c>shard-1</c>, ..., with their connection strings.</summary>
    public IReadOnlyList<(string Name, string ConnectionString)> Shards { get; }

    /// <summary>
    /// The portal's <c>Database:*</c> configuration keys for these databases: <c>Database:Provider</c> (Postgres),
    /// <c>Database:Catalog</c>, <c>Database:Shards:{i}:Name</c> and <c>Database:Shards:{i}:ConnectionString</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    internal static async Task<PostgresDatabases> CreateAsync(
        IReadOnlyList<string> servers, int shardCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardCount);
        var prefix = $"mp_{Guid.NewGuid().ToString("N")[..12]}";
        var databases = new List<(string Server, string Name)> { (servers[0], $"{prefix}_catalog") };
        for (var i = 0; i < shardCount; i++)
        {
            var server = servers.Count == 1 ? servers[0] : servers[1 + (i % (servers.Count - 1))];
            databases.Add((server, $"{prefix}_shard_{i.ToString(CultureInfo.InvariantCulture)}"));
        }

        // All at once: they are mostly on different servers, and a CREATE DATABASE takes a good part of a second on a
        // busy machine.
        var result = new PostgresDatabases(databases);
        var creations = databases
            .Select(database => CreateDatabaseAsync(database.Server, database.Name, cancellationToken))
            .ToList();
        try
        {
            await Task.WhenAll(creations);
        }
        catch
        {
            // The caller gets nothing to dispose: drop here what was made.
            result._created.AddRange(databases.Where((_, i) => creations[i].IsCompletedSuccessfully));
            await result.DisposeAsync();
            throw;
        }

        result._created.AddRange(databases);
        return result;
    }

    /// <summary>Runs raw SQL on one of these databases (to tamper with rows, for instance); returns the rows affected.</summary>
    public async Task<int> ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken = default)
    {
        if (connectionString != Catalog && !Shards.Any(shard => shard.ConnectionString == connectionString))
        {
            throw new ArgumentException("Not the connection string of one of these databases.", nameof(connectionString));
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Drops every database it created, connections to them or not; a server that is already gone took its databases
    /// with it and is passed over.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        // This instance's own idle pooled connections (ExecuteAsync's) would be cut by the drop: close them first. Only
        // these: clearing every pool would close the connections of the tests running beside this one.
        foreach (var connectionString in Shards.Select(shard => shard.ConnectionString).Prepend(Catalog))
        {
            await using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }

        var created = _created.ToList();
        _created.Clear();
        await Task.WhenAll(created.Select(database => DropAsync(database.Server, database.Name)));
    }

    private static async Task DropAsync(string server, string name)
    {
        try
        {
            await RunOnServerAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None);
        }
        catch (NpgsqlException exception) when (IsServerGone(exception))
        {
            // Stopped by a test, or by the end of the run: its databases went with it.
        }
    }

    /// <summary>A database's connection string on a server, its pool bounded as every test database's is.</summary>
    internal static string ConnectionString(string server, string database) =>
        new NpgsqlConnectionStringBuilder(server) { Database = database, MaxPoolSize = MaxPoolSize }.ConnectionString;

    /// <summary>The connection string of a server's maintenance database, from which databases are created and dropped.</summary>
    internal static string MaintenanceConnectionString(string server) => ConnectionString(server, "postgres");

    /// <summary>
    /// Creates an empty database that sorts by a linguistic collation by default (ICU, en-US), as a clinic's server
    /// usually does, rather than the clusters' "C": a column that needs the binary order must ask for it, and a test
    /// shows it if not.
    /// </summary>
    internal static Task CreateDatabaseAsync(string server, string name, CancellationToken cancellationToken) =>
        RunOnServerAsync(
            server,
            $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'",
            cancellationToken);

    // CREATE and DROP DATABASE run outside any transaction, from the server's maintenance database.
    private static async Task RunOnServerAsync(string server, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(MaintenanceConnectionString(server));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // No answer at all (refused, reset, timed out), or the server saying it is shutting down or starting up.
    private static bool IsServerGone(NpgsqlException exception) =>
        exception is not PostgresException postgres || postgres.SqlState is "57P01" or "57P02" or "57P03";
}
