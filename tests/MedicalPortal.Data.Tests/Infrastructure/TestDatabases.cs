using MedicalPortal.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>
/// The catalog and shard databases of one test installation, with its folder (the content root: keys, exports),
/// empty until a <see cref="ShardedDatabase"/> initializes them: SQLite files to be in a fresh temporary folder, or
/// fresh databases on the PostgreSQL test servers. Hosts started on them come and go; disposing this deletes the
/// folder and drops the databases.
/// </summary>
public sealed class TestDatabases : IAsyncDisposable
{
    private readonly PostgresDatabases? _postgres;

    private TestDatabases(TestProvider provider, string directory, string catalog, IReadOnlyList<(string Name, string ConnectionString)> shards, PostgresDatabases? postgres)
    {
        Provider = provider;
        Directory = directory;
        Catalog = catalog;
        Shards = shards;
        _postgres = postgres;
    }

    public TestProvider Provider { get; }

    /// <summary>The content root of every host on these databases.</summary>
    public string Directory { get; }

    /// <summary>
    /// Where the portal keeps its own files (Development keys, exports): the folder of the SQLite catalog, otherwise
    /// <c>data</c> under the content root.
    /// </summary>
    public string DataFolder => Provider == TestProvider.Sqlite ? Directory : Path.Combine(Directory, "data");

    /// <summary>The catalog's connection string.</summary>
    public string Catalog { get; }

    /// <summary>"shard-0", "shard-1", ... with their connection strings.</summary>
    public IReadOnlyList<(string Name, string ConnectionString)> Shards { get; }

    public static async Task<TestDatabases> CreateAsync(TestProvider provider, int shardCount)
    {
        var directory = Path.Combine(Path.GetTempPath(), "medicalportal-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        if (provider == TestProvider.Sqlite)
        {
            var shards = Enumerable.Range(0, shardCount)
                .Select(i => ($"shard-{i}", $"Data Source={Path.Combine(directory, $"shard-{i}.db")}"))
                .ToList();
            return new TestDatabases(provider, directory, $"Data Source={Path.Combine(directory, "catalog.db")}", shards, postgres: null);
        }

        var postgres = await TestPostgres.CreateAsync(shardCount);
        return new TestDatabases(provider, directory, postgres.Catalog, postgres.Shards, postgres);
    }

    /// <summary>The <c>Database</c> settings of a host on the catalog and the first <paramref name="shardCount"/> shards.</summary>
    public Dictionary<string, string?> Settings(int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shardCount, Shards.Count);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Database:Provider"] = Provider == TestProvider.Sqlite ? "Sqlite" : "Postgres",
            ["Database:Catalog"] = Catalog,
        };
        for (var i = 0; i < shardCount; i++)
        {
            settings[$"Database:Shards:{i}:Name"] = Shards[i].Name;
            settings[$"Database:Shards:{i}:ConnectionString"] = Shards[i].ConnectionString;
        }

        return settings;
    }

    /// <summary>
    /// These databases with <paramref name="shard"/> elsewhere: at <paramref name="connectionString"/>, say on a server
    /// of the test's own that it may stop. The result takes over what this owns: dispose it, not this.
    /// </summary>
    public TestDatabases WithShardAt(string shard, string connectionString) =>
        new(Provider, Directory, Catalog,
            [.. Shards.Select(s => s.Name == shard ? (s.Name, connectionString) : s)],
            _postgres);

    /// <summary>
    /// Everything written so far: each file under the folder, and each table in a PostgreSQL database. A start that
    /// was refused must leave this empty.
    /// </summary>
    public async Task<IReadOnlyList<string>> WrittenAsync()
    {
        var written = System.IO.Directory.GetFiles(Directory, "*", SearchOption.AllDirectories)
            .Select(file => $"file {Path.GetRelativePath(Directory, file)}")
            .ToList();
        if (_postgres is not null)
        {
            foreach (var (name, connectionString) in Shards.Prepend(("catalog", Catalog)))
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    written.Add($"table {reader.GetString(0)} in {name}");
                }
            }
        }

        return written;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }

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
