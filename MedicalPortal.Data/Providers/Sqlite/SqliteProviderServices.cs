using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Sharding;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Data.Providers.Sqlite;

/// <summary>
/// The embedded default. Relative file paths are resolved against the content root and their folder is created, so
/// a fresh clone runs with no setup. Files use write-ahead logging: readers never wait for the writer.
/// </summary>
internal sealed class SqliteProviderServices(string contentRoot, IReadOnlyList<IInterceptor> interceptors, ILoggerFactory loggerFactory)
    : DatabaseProviderServices(interceptors, loggerFactory)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override DbContextOptions CatalogOptions(string connectionString) =>
        Finish(new DbContextOptionsBuilder<SqliteCatalogDbContext>().UseIdentitySchema().UseSqlite(Resolve(connectionString))
            .AddInterceptors(SqliteBusyTimeout.Instance));

    public override DbContextOptions ShardOptions(string shard, string connectionString, ShardAvailability? availability) =>
        Finish(new DbContextOptionsBuilder<SqliteShardDbContext>()
            .UseSqlite(availability is null ? Resolve(connectionString) : Existing(Resolve(connectionString)), sqlite =>
                sqlite.ExecutionStrategy(dependencies => ForShard(shard, new NonRetryingExecutionStrategy(dependencies), availability)))
            .AddInterceptors(SqliteBusyTimeout.Instance));

    /// <summary>The file cannot be opened or read (gone, unreadable, not a database), or the disk failed under it.</summary>
    public override bool IsUnavailable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: CantOpen or IoError or NotADatabase };

    public override string? ConnectionStringProblem(string connectionString) => Problem(connectionString);

    /// <summary>The database file's full path, as this node resolves it.</summary>
    public override string DatabaseOf(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return InMemory(connectionString) ? dataSource : FullPath(dataSource);
    }

    /// <summary>What is wrong with <paramref name="connectionString"/> for this provider, or null (<see cref="DatabaseOptionsValidator"/>).</summary>
    public static string? Problem(string connectionString)
    {
        try
        {
            return string.IsNullOrEmpty(new SqliteConnectionStringBuilder(connectionString).DataSource)
                ? "names no Data Source (the database file)"
                : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return $"is not a SQLite connection string ({e.Message})";
        }
    }

    public override CatalogDbContext NewCatalog(DbContextOptions options) =>
        new SqliteCatalogDbContext((DbContextOptions<SqliteCatalogDbContext>)options);

    public override ShardDbContext NewShard(DbContextOptions options) =>
        new SqliteShardDbContext((DbContextOptions<SqliteShardDbContext>)options);

    public override Func<ShardDbContext> ShardPool(DbContextOptions options) => Pool<SqliteShardDbContext>(options);

    public override async Task PrepareAsync(DbContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // journal_mode is a property of the database file: set once, kept by every later connection.
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    // SQLite's result codes (sqlite3.h): SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_NOTADB.
    private const int IoError = 10;
    private const int CantOpen = 14;
    private const int NotADatabase = 26;

    /// <summary>
    /// A file that serves opens only if it exists: SQLite would otherwise create an empty one where a shard's file went
    /// missing, and its patients would seem not to exist rather than be unavailable. An explicit mode is kept.
    /// </summary>
    private static string Existing(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode != SqliteOpenMode.ReadWriteCreate || Sets(connectionString, "Mode"))
        {
            return connectionString;
        }

        builder.Mode = SqliteOpenMode.ReadWrite;
        return builder.ToString();
    }

    private static bool InMemory(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory;
    }

    /// <summary>A relative path is the content root's; a rooted one stays where it is.</summary>
    private string FullPath(string dataSource) => Path.GetFullPath(Path.Combine(contentRoot, dataSource));

    private string Resolve(string connectionString)
    {
        if (InMemory(connectionString))
        {
            return connectionString;
        }

        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = FullPath(builder.DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(dataSource)!);
        builder.DataSource = dataSource;

        // Writers queue on SQLite's single write lock; wait for it rather than failing under load.
        if (builder.DefaultTimeout < 30)
        {
            builder.DefaultTimeout = 30;
        }

        return builder.ToString();
    }
}
