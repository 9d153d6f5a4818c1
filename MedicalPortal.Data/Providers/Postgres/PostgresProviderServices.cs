using System.Data.Common;
using System.Globalization;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace MedicalPortal.Data.Providers.Postgres;

/// <summary>
/// PostgreSQL: a server every node shares. Transient failures (a dropped connection, a failover, a serialization
/// failure) are retried by Npgsql's execution strategy; the portal's writes are built to be replayed by it
/// (ARCHITECTURE.md section 6). Each node's pool per database is bounded (<c>Database:MaxPoolSize</c>) unless the
/// connection string sets one, so that nodes times pools stay under the server's <c>max_connections</c>.
/// </summary>
internal sealed class PostgresProviderServices(DatabaseOptions options, IReadOnlyList<IInterceptor> interceptors, ILoggerFactory loggerFactory)
    : DatabaseProviderServices(interceptors, loggerFactory)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override DbContextOptions CatalogOptions(string connectionString) =>
        Finish(new DbContextOptionsBuilder<PostgresCatalogDbContext>().UseIdentitySchema().UseNpgsql(Bounded(connectionString), Resilient));

    public override DbContextOptions ShardOptions(string shard, string connectionString, ShardAvailability? availability) =>
        Finish(new DbContextOptionsBuilder<PostgresShardDbContext>().UseNpgsql(Bounded(connectionString), npgsql =>
        {
            Resilient(npgsql);
            npgsql.ExecutionStrategy(dependencies => ForShard(shard, Retrying(dependencies), availability));
        }));

    /// <summary>
    /// EF Core's lock on PostgreSQL (<c>LOCK TABLE</c> on the history table) lasts one transaction, and EF Core commits
    /// after each migration: a node that takes the lock between two migrations of another node's run applies the second
    /// one again and fails ("relation already exists"), as nodes started together on a fresh catalog did. A session's
    /// advisory lock, held from before the first migration to after the last, makes the second node find them all
    /// applied. Advisory locks belong to one database, so shards on one server do not wait for each other. A database
    /// that does not exist yet is created by EF Core as before, without the lock: nothing else can be migrating it.
    /// </summary>
    public override async Task MigrateAsync(DbContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var database = context.Database;
        if (!await context.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken))
        {
            await database.MigrateAsync(cancellationToken);
            return;
        }

        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await RunAsync(database, LockMigrations, cancellationToken);
            try
            {
                await database.MigrateAsync(cancellationToken);
            }
            finally
            {
                // Said rather than left to the session's end: the connection goes back to the pool, session and all.
                try
                {
                    await RunAsync(database, UnlockMigrations, CancellationToken.None);
                }
                catch (DbException)
                {
                    // The session is gone, and its lock with it.
                }
            }
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    /// <summary>No answer (refused, reset, timed out), or the server shutting down, starting up or out of connections.</summary>
    public override bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is "57P01" or "57P02" or "57P03" or "53300" || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    public override CatalogDbContext NewCatalog(DbContextOptions options) =>
        new PostgresCatalogDbContext((DbContextOptions<PostgresCatalogDbContext>)options);

    public override ShardDbContext NewShard(DbContextOptions options) =>
        new PostgresShardDbContext((DbContextOptions<PostgresShardDbContext>)options);

    public override Func<ShardDbContext> ShardPool(DbContextOptions options) => Pool<PostgresShardDbContext>(options);

    public override string? ConnectionStringProblem(string connectionString) => Problem(connectionString);

    public override string DatabaseOf(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return string.Create(CultureInfo.InvariantCulture, $"{builder.Host?.ToLowerInvariant()}:{builder.Port}/{builder.Database}");
    }

    /// <summary>What is wrong with <paramref name="connectionString"/> for this provider, or null (<see cref="DatabaseOptionsValidator"/>).</summary>
    public static string? Problem(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? "names no Host (the PostgreSQL server)"
                : string.IsNullOrWhiteSpace(builder.Database) ? "names no Database"
                : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return $"is not a PostgreSQL connection string ({e.Message})";
        }
    }

    // The advisory lock of migrations, its key "MPMigr" in ASCII (0x4D504D696772): unlikely to be another application's.
    private const string LockMigrations = "SELECT pg_advisory_lock(85007291475826)";
    private const string UnlockMigrations = "SELECT pg_advisory_unlock(85007291475826)";

    /// <summary>On the context's open connection as it is, past the execution strategy: the lock belongs to this session.</summary>
    private static async Task RunAsync(DatabaseFacade database, string sql, CancellationToken cancellationToken)
    {
        await using var command = database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void Resilient(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.ExecutionStrategy(Retrying).CommandTimeout(options.CommandTimeoutSeconds);

    private NpgsqlRetryingExecutionStrategy Retrying(ExecutionStrategyDependencies dependencies) =>
        new(dependencies, options.MaxRetryCount, TimeSpan.FromSeconds(5), errorCodesToAdd: null);

    private string Bounded(string connectionString)
    {
        if (Sets(connectionString, "Maximum Pool Size", "MaxPoolSize", "Max Pool Size"))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = options.MaxPoolSize }.ConnectionString;
    }
}
