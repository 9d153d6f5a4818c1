namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// The <c>Database:*</c> keys of a fresh installation in a temporary folder: a SQLite catalog and two SQLite shards.
/// Both the HTTP tests and the component tests use it, so they run on the same layout as the embedded default.
/// </summary>
internal static class TestDatabaseSettings
{
    public const int ShardCount = 2;

    /// <summary>A new, empty folder under the temp directory.</summary>
    public static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "medicalportal-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    public static IReadOnlyDictionary<string, string?> For(string directory)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:Catalog"] = $"Data Source={Path.Combine(directory, "catalog.db")}",

            // A test that brings a shard back expects it to serve at once; the Data tests test the cool-down.
            ["Database:ShardCooldownSeconds"] = "0",
        };
        for (var i = 0; i < ShardCount; i++)
        {
            settings[$"Database:Shards:{i}:Name"] = $"shard-{i}";
            settings[$"Database:Shards:{i}:ConnectionString"] = $"Data Source={Path.Combine(directory, $"shard-{i}.db")}";
        }

        return settings;
    }

    /// <summary>Releases pooled SQLite connections, then deletes the folder.</summary>
    public static void Delete(string directory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean; every run uses a new folder anyway.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above, on platforms that report a held file this way.
        }
    }
}
