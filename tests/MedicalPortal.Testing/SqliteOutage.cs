using Microsoft.Data.Sqlite;

namespace MedicalPortal.Testing;

/// <summary>
/// A SQLite database that stops answering, as a process that loses its disk would find: the file (with its WAL and
/// shared-memory files) is moved aside and a folder stands in its place, which SQLite cannot open, as root either, and
/// cannot create a database over. Pooled connections are closed first: an open one would go on reading the moved file.
/// </summary>
public static class SqliteOutage
{
    private static readonly string[] Suffixes = ["", "-wal", "-shm"];

    /// <param name="connectionString">The database's connection string (its Data Source is the file).</param>
    public static void TakeDown(string connectionString)
    {
        var file = FileOf(connectionString);
        SqliteConnection.ClearAllPools();
        foreach (var suffix in Suffixes.Where(suffix => File.Exists(file + suffix)))
        {
            File.Move(file + suffix, file + suffix + ".away");
        }

        Directory.CreateDirectory(file);
    }

    /// <summary>Puts the files taken down by <see cref="TakeDown"/> back.</summary>
    public static void BringBack(string connectionString)
    {
        var file = FileOf(connectionString);
        Directory.Delete(file);
        foreach (var suffix in Suffixes.Where(suffix => File.Exists(file + suffix + ".away")))
        {
            File.Move(file + suffix + ".away", file + suffix);
        }
    }

    private static string FileOf(string connectionString) => new SqliteConnectionStringBuilder(connectionString).DataSource;
}
