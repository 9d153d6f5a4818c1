using System.Data.Common;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Data.Providers;

/// <summary>
/// What differs per database provider: how options are built, which context subclass (and so which migrations)
/// is used, and any per-database preparation. Everything above this works the same on every provider.
/// </summary>
internal abstract class DatabaseProviderServices(IReadOnlyList<IInterceptor> interceptors, ILoggerFactory loggerFactory)
{
    /// <summary>Attached to every context: the audit interceptor, among others.</summary>
    protected IReadOnlyList<IInterceptor> Interceptors { get; } = interceptors;

    /// <summary>EF Core logs through the portal's logging (its levels and providers); parameter values are never logged.</summary>
    protected ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public abstract DatabaseProvider Provider { get; }

    public abstract DbContextOptions CatalogOptions(string connectionString);

    /// <summary>
    /// Options for the shard <paramref name="shard"/>: its execution strategy names it when it does not answer
    /// (<see cref="ShardExecutionStrategy"/>) and tells <paramref name="availability"/>. Without availability the
    /// options are for migrations, which may create the database where the provider can (a SQLite file); serving
    /// never does, so a missing file is a shard that is down.
    /// </summary>
    public abstract DbContextOptions ShardOptions(string shard, string connectionString, ShardAvailability? availability);

    /// <summary>Whether <paramref name="exception"/> (one of a chain) says the database is not answering, rather than refusing the request.</summary>
    public abstract bool IsUnavailable(Exception exception);

    /// <summary>What is wrong with <paramref name="connectionString"/> for this provider, to follow "The connection string"; null if nothing.</summary>
    public abstract string? ConnectionStringProblem(string connectionString);

    /// <summary>
    /// The database <paramref name="connectionString"/> leads to (file, or server and database), the same for two
    /// connection strings that differ only in their other settings: a shard being added must not be one already in use.
    /// </summary>
    public abstract string DatabaseOf(string connectionString);

    public abstract CatalogDbContext NewCatalog(DbContextOptions options);

    public abstract ShardDbContext NewShard(DbContextOptions options);

    /// <summary>
    /// Rents shard contexts on <paramref name="options"/> from a pool: a context's internal services are made once and
    /// reused, where making them for every request was a tenth of a search (docs/PERFORMANCE.md). EF Core resets a
    /// context it takes back (tracked entities, transaction, connection); what the portal sets on one, its
    /// <see cref="ShardDbContext.Actor"/>, the caller clears (<see cref="Sharding.ShardContextFactory.Create"/>).
    /// </summary>
    public abstract Func<ShardDbContext> ShardPool(DbContextOptions options);

    protected static Func<ShardDbContext> Pool<TContext>(DbContextOptions options)
        where TContext : ShardDbContext
    {
        var pool = new PooledDbContextFactory<TContext>((DbContextOptions<TContext>)options);
        return pool.CreateDbContext;
    }

    /// <summary>
    /// Applies the pending migrations, while other nodes may be doing the same: EF Core's migration lock keeps them
    /// from applying one twice, where it lasts the whole run.
    /// </summary>
    public virtual Task MigrateAsync(DbContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>Runs after migrations: settings that belong to the database file or server rather than the schema.</summary>
    public virtual Task PrepareAsync(DbContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The options every provider shares: the portal's interceptors and logging.</summary>
    protected DbContextOptions Finish(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddInterceptors(Interceptors).UseLoggerFactory(LoggerFactory).Options;
    }

    /// <summary>A shard's strategy: <paramref name="inner"/>, the provider's, translating a failure that means the shard is down.</summary>
    protected IExecutionStrategy ForShard(string shard, IExecutionStrategy inner, ShardAvailability? availability) =>
        new ShardExecutionStrategy(inner, shard, IsUnavailable, availability);

    /// <summary>Whether <paramref name="connectionString"/> sets any of <paramref name="keywords"/> (synonyms of one setting).</summary>
    protected static bool Sets(string connectionString, params string[] keywords)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return keywords.Any(given.ContainsKey);
    }
}
