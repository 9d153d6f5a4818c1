using System.Data.Common;
using MedicalPortal.Core.Permissions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MedicalPortal.Benchmarks.Macro;

/// <summary>
/// One data set: a catalog and <see cref="Shards"/> shards holding the same seeded patients as every other data set of
/// the run (seed --random-seed), so that shard counts can be compared on equal data. <see cref="Directory"/> holds what
/// the harness writes beside it (id lists, studies, exports), and on SQLite the database files themselves.
/// </summary>
internal abstract class DataSet(string root, int shards)
{
    public const int RandomSeed = 2026;

    public string Directory { get; } = Path.Combine(root, $"shards-{shards}");

    public int Shards { get; } = shards;

    /// <summary>Where the databases are, for the report.</summary>
    public abstract string Description { get; }

    /// <summary>The <c>Database:*</c> settings, as environment variables.</summary>
    public abstract IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Seeds the data set unless a previous run left exactly this one (same size) in place.</summary>
    public async Task EnsureSeededAsync(string portalDirectory, int patients, int visitsPerPatient)
    {
        var expected = $"{patients} patients x {visitsPerPatient} visits, random seed {RandomSeed}";
        if (await IsSeededAsync(expected))
        {
            System.IO.Directory.CreateDirectory(Directory);
            Console.WriteLine($"  {Shards} shard(s): reusing {expected}");
            return;
        }

        await ResetAsync();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(Directory);
        Console.WriteLine($"  {Shards} shard(s): seeding {expected} ...");
        var (_, _, elapsed) = await PortalCommand.RunAsync(portalDirectory, this,
            "seed", "--patients", patients.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--visits-per-patient", visitsPerPatient.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--random-seed", RandomSeed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Console.WriteLine($"  {Shards} shard(s): seeded in {elapsed.TotalSeconds:N0} s");
        await MarkSeededAsync(expected);
    }

    /// <summary>Every patient id, read from the shards.</summary>
    public Task<List<string>> PatientIdsAsync() => QueryAsync("""SELECT CAST("Id" AS text) FROM "Patients" """);

    /// <summary>Three-letter family-name prefixes that occur, as search terms a clinician would type.</summary>
    public async Task<List<string>> SearchTermsAsync() =>
        [.. (await QueryAsync("""SELECT DISTINCT lower(substr("FamilyNameKey", 1, 3)) FROM "Patients" """))
            .Where(t => t.Length == 3 && t.All(char.IsAsciiLetterLower)).Order(StringComparer.Ordinal)];

    /// <summary>Closes the pooled connections this process holds to the data set.</summary>
    public abstract void ReleaseConnections();

    protected abstract Task<bool> IsSeededAsync(string expected);

    /// <summary>Removes whatever a previous (perhaps interrupted) seeding left, before seeding afresh.</summary>
    protected abstract Task ResetAsync();

    protected abstract Task MarkSeededAsync(string expected);

    protected abstract DbConnection OpenShardReader(int shard);

    private async Task<List<string>> QueryAsync(string sql)
    {
        var values = new List<string>();
        for (var i = 0; i < Shards; i++)
        {
            await using var connection = OpenShardReader(i);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                values.Add(reader.GetString(0));
            }
        }

        return values.Distinct(StringComparer.Ordinal).ToList();
    }
}

/// <summary>A data set of SQLite files in its <see cref="DataSet.Directory"/>, with a marker file once seeded.</summary>
internal sealed class SqliteDataSet(string root, int shards) : DataSet(root, shards)
{
    public override string Description => "SQLite files on this machine's disk";

    public override IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var settings = new Dictionary<string, string>
            {
                ["Database__Provider"] = "Sqlite",
                ["Database__Catalog"] = $"Data Source={Path.Combine(Directory, "catalog.db")}",
            };
            for (var i = 0; i < Shards; i++)
            {
                settings[$"Database__Shards__{i}__Name"] = $"shard-{i}";
                settings[$"Database__Shards__{i}__ConnectionString"] = $"Data Source={ShardFile(i)}";
            }

            return settings;
        }
    }

    private string Marker => Path.Combine(Directory, "seeded.txt");

    public override void ReleaseConnections() => SqliteConnection.ClearAllPools();

    protected override async Task<bool> IsSeededAsync(string expected) =>
        File.Exists(Marker) && await File.ReadAllTextAsync(Marker) == expected;

    protected override Task ResetAsync()
    {
        SqliteConnection.ClearAllPools();
        return Task.CompletedTask;
    }

    protected override Task MarkSeededAsync(string expected) => File.WriteAllTextAsync(Marker, expected);

    protected override DbConnection OpenShardReader(int shard) => new SqliteConnection($"Data Source={ShardFile(shard)};Mode=ReadOnly");

    /// <summary>
    /// A copy of the seeded files under <paramref name="root"/> (replacing an earlier copy there): for a build whose
    /// migrations change the schema, so that the other build of a comparison keeps the schema it expects.
    /// </summary>
    public SqliteDataSet CopyTo(string root)
    {
        SqliteConnection.ClearAllPools();
        var copy = new SqliteDataSet(root, Shards);
        if (System.IO.Directory.Exists(copy.Directory))
        {
            System.IO.Directory.Delete(copy.Directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(copy.Directory);
        foreach (var file in System.IO.Directory.GetFiles(Directory))
        {
            File.Copy(file, Path.Combine(copy.Directory, Path.GetFileName(file)));
        }

        return copy;
    }

    private string ShardFile(int index) => Path.Combine(Directory, $"shard-{index}.db");
}

/// <summary>
/// A data set on PostgreSQL: the catalog on the first server, shard <c>i</c> on server <c>1 + i</c>, so that every
/// shard has a cluster of its own. Data sets share the clusters in databases of their own
/// (<c>mp_bench_quick_s4_shard_2</c>); a seeded database carries the data set's description as its comment, which is
/// how a later run on the same clusters knows it can reuse it.
/// </summary>
internal sealed class PostgresDataSet : DataSet
{
    private readonly IReadOnlyList<string> _servers;
    private readonly string _name;

    /// <param name="servers">Connection strings of the clusters (any database named in them is replaced): the catalog's first.</param>
    /// <param name="name">The run's kind, <c>quick</c> or <c>full</c>, as part of the databases' names.</param>
    public PostgresDataSet(string root, int shards, IReadOnlyList<string> servers, string name)
        : base(root, shards)
    {
        if (servers.Count < shards + 1)
        {
            throw new ArgumentException(
                $"{shards} shard(s) on clusters of their own need {shards + 1} PostgreSQL servers (the catalog's and one per shard); --postgres names {servers.Count}.");
        }

        _servers = servers;
        _name = name;
    }

    public override string Description => $"PostgreSQL, the catalog and each shard on a cluster of its own ({Shards + 1} clusters for {Shards} shard(s))";

    public override IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var settings = new Dictionary<string, string>
            {
                ["Database__Provider"] = "Postgres",
                ["Database__Catalog"] = ConnectionString(0, CatalogDatabase),
            };
            for (var i = 0; i < Shards; i++)
            {
                settings[$"Database__Shards__{i}__Name"] = $"shard-{i}";
                settings[$"Database__Shards__{i}__ConnectionString"] = ConnectionString(1 + i, ShardDatabase(i));
            }

            return settings;
        }
    }

    private string CatalogDatabase => $"mp_bench_{_name}_s{Shards}_catalog";

    /// <summary>Every database of the data set, with the index of its server.</summary>
    private IEnumerable<(int Server, string Database)> Databases =>
        Enumerable.Range(0, Shards).Select(i => (1 + i, ShardDatabase(i))).Prepend((0, CatalogDatabase));

    public override void ReleaseConnections() => NpgsqlConnection.ClearAllPools();

    protected override async Task<bool> IsSeededAsync(string expected)
    {
        foreach (var (server, database) in Databases)
        {
            await using var connection = new NpgsqlConnection(ConnectionString(server, "postgres"));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = @name", connection);
            command.Parameters.AddWithValue("name", database);
            if (await command.ExecuteScalarAsync() as string != expected)
            {
                return false;
            }
        }

        return true;
    }

    protected override async Task ResetAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var (server, database) in Databases)
        {
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {Quote(database)} WITH (FORCE)");
        }
    }

    protected override async Task MarkSeededAsync(string expected)
    {
        foreach (var (server, database) in Databases)
        {
            await ExecuteAsync(server, $"COMMENT ON DATABASE {Quote(database)} IS '{expected.Replace("'", "''", StringComparison.Ordinal)}'");
        }
    }

    protected override DbConnection OpenShardReader(int shard) => new NpgsqlConnection(ConnectionString(1 + shard, ShardDatabase(shard)));

    private string ShardDatabase(int shard) => $"mp_bench_{_name}_s{Shards}_shard_{shard}";

    private string ConnectionString(int server, string database) =>
        new NpgsqlConnectionStringBuilder(_servers[server]) { Database = database }.ConnectionString;

    private async Task ExecuteAsync(int server, string sql)
    {
        // DROP DATABASE and COMMENT ON DATABASE take no parameters; the names are the harness's own.
        await using var connection = new NpgsqlConnection(ConnectionString(server, "postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}

/// <summary>A signed-in account as the in-process measurements need one.</summary>
internal sealed record BenchUser(string AccountId, string UserName, string Role) : ICurrentUser
{
    public bool IsAuthenticated => true;

    string? ICurrentUser.AccountId => AccountId;

    string? ICurrentUser.UserName => UserName;

    public IReadOnlyCollection<string> Roles => [Role];

    public Guid? PatientId => null;
}
