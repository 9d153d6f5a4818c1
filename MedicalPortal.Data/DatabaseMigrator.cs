using System.Data.Common;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Data;

/// <summary>
/// Brings one database to the latest migration: the catalog or a shard at start (<see cref="DatabaseInitializer"/>),
/// or a shard being added (<see cref="Sharding.ShardRegistry"/>).
/// </summary>
internal sealed partial class DatabaseMigrator(DatabaseProviderServices provider, ILogger<DatabaseMigrator> logger)
{
    /// <summary>
    /// A server that cannot be reached (after the provider's retries), or refuses the login, is
    /// <see cref="DatabaseUnavailableException"/>: one line naming the database and where its connection string comes
    /// from (<paramref name="setting"/>), rather than a stack trace.
    /// </summary>
    public async Task MigrateAsync(DbContext context, string database, string setting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await provider.MigrateAsync(context, cancellationToken);
            await provider.PrepareAsync(context, cancellationToken);
            if (context is Sharding.ShardDbContext shard)
            {
                await Sharding.BucketBackfill.RunAsync(shard, cancellationToken);
            }
        }
        catch (Exception e) when (Unreachable(e) is { } cause)
        {
            throw new DatabaseUnavailableException(database, setting, cause.Message, e);
        }

        LogMigrated(logger, database);
    }

    /// <summary>The driver's own failure inside <paramref name="exception"/> (retries exhausted wrap it), if it is one.</summary>
    private static DbException? Unreachable(Exception exception) => exception switch
    {
        DbException db => db,
        { InnerException: { } inner } => Unreachable(inner),
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Database} is at the latest migration.")]
    private static partial void LogMigrated(ILogger logger, string database);
}
