using MedicalPortal.Core.Permissions;
using Microsoft.Data.Sqlite;

namespace MedicalPortal.Benchmarks.Macro;

/// <summary>
/// One data set on disk: a catalog and <see cref="Shards"/> SQLite shards holding the same seeded patients as every
/// other data set of the run (seed --random-seed), so that shard counts can be compared on equal data.
/// </summary>
internal sealed class DataSet(string root, int shards)
{
    public const int RandomSeed = 2026;

    public string Directory { get; } = Path.Combine(root, $"shards-{shards}");

    public int Shards { get; } = shards;

    /// <summary>The <c>Database:*</c> settings, as environment variables.</summary>
    public IReadOnlyDictionary<string, string> Settings
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

    public string ShardFile(int index) => Path.Combine(Directory, $"shard-{index}.db");

    private string Marker => Path.Combine(Directory, "seeded.txt");

    /// <summary>Seeds the data set unless a previous run left exactly this one (same size) in place.</summary>
    public async Task EnsureSeededAsync(string portalDirectory, int patients, int visitsPerPatient)
    {
        var expected = $"{patients} patients x {visitsPerPatient} visits, random seed {RandomSeed}";
        if (File.Exists(Marker) && await File.ReadAllTextAsync(Marker) == expected)
        {
            Console.WriteLine($"  {Shards} shard(s): reusing {expected}");
            return;
        }

        if (System.IO.Directory.Exists(Directory))
        {
            SqliteConnection.ClearAllPools();
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(Directory);
        Console.WriteLine($"  {Shards} shard(s): seeding {expected} ...");
        var (_, _, elapsed) = await PortalCommand.RunAsync(portalDirectory, this,
            "seed", "--patients", patients.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--visits-per-patient", visitsPerPatient.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--random-seed", RandomSeed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Console.WriteLine($"  {Shards} shard(s): seeded in {elapsed.TotalSeconds:N0} s");
        await File.WriteAllTextAsync(Marker, expected);
    }

    /// <summary>Every patient id, read from the shard files.</summary>
    public IReadOnlyList<string> PatientIds() => Query("SELECT Id FROM Patients");

    /// <summary>Three-letter family-name prefixes that occur, as search terms a clinician would type.</summary>
    public IReadOnlyList<string> SearchTerms() =>
        [.. Query("SELECT DISTINCT lower(substr(FamilyNameKey, 1, 3)) FROM Patients").Where(t => t.Length == 3 && t.All(char.IsAsciiLetterLower)).Order(StringComparer.Ordinal)];

    private List<string> Query(string sql)
    {
        var values = new List<string>();
        for (var i = 0; i < Shards; i++)
        {
            using var connection = new SqliteConnection($"Data Source={ShardFile(i)};Mode=ReadOnly");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                values.Add(reader.GetString(0));
            }
        }

        return values.Distinct(StringComparer.Ordinal).ToList();
    }
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
