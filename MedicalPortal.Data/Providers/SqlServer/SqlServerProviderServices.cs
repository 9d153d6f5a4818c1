using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Sharding;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Data.Providers.SqlServer;

/// <summary>
/// SQL Server (or Azure SQL): a server every node shares. Transient failures (a dropped connection, a failover, a
/// deadlock victim) are retried by SQL Server's execution strategy; the portal's writes are built to be replayed by
/// it (ARCHITECTURE.md section 6). Each node's pool per database is bounded (<c>Database:MaxPoolSize</c>) unless the
/// connection string sets one.
/// </summary>
internal sealed class SqlServerProviderServices(DatabaseOptions options, IReadOnlyList<IInterceptor> interceptors, ILoggerFactory loggerFactory)
    : DatabaseProviderServices(interceptors, loggerFactory)
{
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public override DbContextOptions CatalogOptions(string connectionString) =>
        Finish(new DbContextOptionsBuilder<SqlServerCatalogDbContext>().UseIdentitySchema().UseSqlServer(Bounded(connectionString), Resilient));

    public override DbContextOptions ShardOptions(string shard, string connectionString, ShardAvailability? availability) =>
        Finish(new DbContextOptionsBuilder<SqlServerShardDbContext>().UseSqlServer(Bounded(connectionString), sqlServer =>
        {
            Resilient(sqlServer);
            sqlServer.ExecutionStrategy(dependencies => ForShard(shard, Retrying(dependencies), availability));
        }));

    /// <summary>
    /// No answer: a timeout, or one of SQL Server's connection errors (its strategy retries those; once it gives up,
    /// <see cref="RetryLimitExceededException"/> says the same): server not found or not reachable (53, 40, 10060,
    /// 10061), connection broken (64, 233, 10053, 10054), database not available (4060, 40613), or a timeout (-2).
    /// </summary>
    public override bool IsUnavailable(Exception exception) => exception switch
    {
        SqlException sql => sql.Number is -2 or 40 or 53 or 64 or 233 or 4060 or 10053 or 10054 or 10060 or 10061 or 40613,
        TimeoutException => true,
        _ => false,
    };

    public override CatalogDbContext NewCatalog(DbContextOptions options) =>
        new SqlServerCatalogDbContext((DbContextOptions<SqlServerCatalogDbContext>)options);

    public override ShardDbContext NewShard(DbContextOptions options) =>
        new SqlServerShardDbContext((DbContextOptions<SqlServerShardDbContext>)options);

    public override Func<ShardDbContext> ShardPool(DbContextOptions options) => Pool<SqlServerShardDbContext>(options);

    public override string? ConnectionStringProblem(string connectionString) => Problem(connectionString);

    /// <summary>Server and database, in lower case: SQL Server compares both without regard to case.</summary>
    public override string DatabaseOf(string connectionString)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        return $"{builder.DataSource.ToLowerInvariant()}/{builder.InitialCatalog.ToLowerInvariant()}";
    }

    /// <summary>What is wrong with <paramref name="connectionString"/> for this provider, or null (<see cref="DatabaseOptionsValidator"/>).</summary>
    public static string? Problem(string connectionString)
    {
        try
        {
            var builder = new SqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.DataSource) ? "names no Server (the SQL Server instance)"
                : string.IsNullOrWhiteSpace(builder.InitialCatalog) ? "names no Database"
                : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            return $"is not a SQL Server connection string ({e.Message})";
        }
    }

    private void Resilient(SqlServerDbContextOptionsBuilder sqlServer) =>
        sqlServer.ExecutionStrategy(Retrying).CommandTimeout(options.CommandTimeoutSeconds);

    private SqlServerRetryingExecutionStrategy Retrying(ExecutionStrategyDependencies dependencies) =>
        new(dependencies, options.MaxRetryCount, TimeSpan.FromSeconds(5), errorNumbersToAdd: null);

    private string Bounded(string connectionString)
    {
        if (Sets(connectionString, "Max Pool Size", "MaxPoolSize", "Maximum Pool Size"))
        {
            return connectionString;
        }

        return new SqlConnectionStringBuilder(connectionString) { MaxPoolSize = options.MaxPoolSize }.ConnectionString;
    }
}
