using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
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
            await context.Database.MigrateAsync(cancellationToken);
            await provider.PrepareAsync(context, cancellationToken);
        }

        LogMigrated(logger, "catalog");

        foreach (var shard in shards.Configured)
        {
            await using var context = shards.Create(shard);
            await context.Database.MigrateAsync(cancellationToken);
            await provider.PrepareAsync(context, cancellationToken);
            LogMigrated(logger, shard);
        }
    }

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
