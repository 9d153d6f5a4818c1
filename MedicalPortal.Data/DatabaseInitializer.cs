using MedicalPortal.Core.Audit;
using System.Data.Common;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Permissions;
using MedicalPortal.Data.Providers;
using MedicalPortal.Data.Sharding;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Data;

/// <summary>
/// Safe to run on several nodes at once: EF Core's migration lock serializes the migrations, and every seeding step
/// tolerates losing a race to another node.
/// </summary>
internal sealed partial class DatabaseInitializer(
    DatabaseProviderServices provider,
    IDbContextFactory<CatalogDbContext> catalog,
    ShardContextFactory shards,
    ShardMap shardMap,
    PermissionStore permissions,
    ILogger<DatabaseInitializer> logger) : IDatabaseInitializer
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using (var context = await catalog.CreateDbContextAsync(cancellationToken))
        {
            await MigrateAsync(context, "catalog", $"{DatabaseOptions.SectionName}:Catalog", cancellationToken);
        }

        for (var i = 0; i < shards.Configured.Count; i++)
        {
            var shard = shards.Configured[i];
            await using var context = shards.Create(shard);
            await MigrateAsync(context, shard, $"{DatabaseOptions.SectionName}:Shards:{i}:ConnectionString", cancellationToken);
        }
    }

    /// <summary>
    /// Brings one database to the latest migration. A server that cannot be reached (after the provider's retries), or
    /// refuses the login, stops the start with one line naming the database and its setting rather than a stack trace.
    /// </summary>
    private async Task MigrateAsync(DbContext context, string database, string setting, CancellationToken cancellationToken)
    {
        try
        {
            await context.Database.MigrateAsync(cancellationToken);
            await provider.PrepareAsync(context, cancellationToken);
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

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        await shardMap.InitializeAsync(shards.Configured, cancellationToken);
        await EnsureRolesAsync(cancellationToken);
        await permissions.SeedDefaultsAsync(cancellationToken);
        LogReady(logger, shardMap.Shards.Count);
    }

    private async Task EnsureRolesAsync(CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var existing = await context.Roles.Select(r => r.NormalizedName).ToListAsync(cancellationToken);
        var missing = RoleNames.Seeded.Where(r => !existing.Contains(r.ToUpperInvariant())).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        // Same normalization as Identity's default lookup normalizer (upper invariant).
        context.Actor = AuditActor.System;
        context.Roles.AddRange(missing.Select(name => new IdentityRole(name) { NormalizedName = name.ToUpperInvariant() }));
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node created them at the same moment; check that they exist now.
            await using var check = await catalog.CreateDbContextAsync(cancellationToken);
            var count = await check.Roles.CountAsync(r => missing.Select(m => m.ToUpperInvariant()).Contains(r.NormalizedName!), cancellationToken);
            if (count != missing.Count)
            {
                throw;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Database} is at the latest migration.")]
    private static partial void LogMigrated(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Databases ready: catalog and {ShardCount} shard(s) in the shard map.")]
    private static partial void LogReady(ILogger logger, int shardCount);
}
