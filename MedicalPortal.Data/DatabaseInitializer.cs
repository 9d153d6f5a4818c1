using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.KeyRing;
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
    DatabaseMigrator migrator,
    IDbContextFactory<CatalogDbContext> catalog,
    ShardContextFactory shards,
    ShardRegistry registry,
    PlainKeyRetirement plainKeys,
    ShardMap shardMap,
    PermissionStore permissions,
    ILogger<DatabaseInitializer> logger) : IDatabaseInitializer
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await MigrateCatalogAsync(cancellationToken);

        // Every shard that answers is migrated before the first that did not stops the command.
        var down = await MigrateShardsAsync(shards.Known, cancellationToken);
        if (down.Count > 0)
        {
            throw down[0];
        }
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        await LoadAsync(cancellationToken);
    }

    public async Task InitializeServingAsync(CancellationToken cancellationToken)
    {
        await MigrateCatalogAsync(cancellationToken);
        foreach (var down in await MigrateShardsAsync(shards.Known, cancellationToken))
        {
            shards.Availability.MarkWaiting(down.Database);
            LogShardWaiting(logger, down.Database, down);
        }

        await LoadAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> MigrateWaitingShardsAsync(CancellationToken cancellationToken)
    {
        var waiting = shards.Waiting;
        if (waiting.Count > 0)
        {
            var stillDown = (await MigrateShardsAsync(waiting, cancellationToken)).Select(d => d.Database).ToList();
            foreach (var shard in waiting.Except(stillDown, StringComparer.OrdinalIgnoreCase))
            {
                shards.Availability.MarkMigrated(shard);
                LogShardBack(logger, shard);
            }
        }

        return shards.Waiting;
    }

    /// <summary>
    /// The catalog at the latest migration, its key ring protecting with an encrypted key, and the shards registered in
    /// it known to this node.
    /// </summary>
    private async Task MigrateCatalogAsync(CancellationToken cancellationToken)
    {
        await using (var context = await catalog.CreateDbContextAsync(cancellationToken))
        {
            await migrator.MigrateAsync(context, "catalog", $"{DatabaseOptions.SectionName}:Catalog", cancellationToken);
        }

        await plainKeys.RetireCurrentPlainKeyAsync(cancellationToken);
        await registry.LearnRegisteredAsync(cancellationToken);
    }

    /// <summary>Migrates each of <paramref name="names"/>, one after another; returns why each that did not answer failed.</summary>
    private async Task<List<DatabaseUnavailableException>> MigrateShardsAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var down = new List<DatabaseUnavailableException>();
        foreach (var shard in names)
        {
            try
            {
                await using var context = shards.CreateForMigration(shard);
                await migrator.MigrateAsync(context, shard, SettingOf(shard), cancellationToken);
            }
            catch (DatabaseUnavailableException e) when (DoesNotAnswer(e))
            {
                down.Add(e);
            }
        }

        return down;
    }

    /// <summary>
    /// The shard did not answer (down, or not reachable), as opposed to answering with an error: a wrong password or a
    /// migration that fails stops the start, whatever the node, rather than leave the shard waiting for ever.
    /// </summary>
    private bool DoesNotAnswer(Exception exception) => exception switch
    {
        ShardUnavailableException => true,
        _ when ShardExecutionStrategy.IsUnavailable(exception, provider.IsUnavailable) => true,
        { InnerException: { } inner } => DoesNotAnswer(inner),
        _ => false,
    };

    /// <summary>Where the shard's connection string comes from, for a message that it cannot be reached.</summary>
    private string SettingOf(string shard)
    {
        var index = shards.Configured.TakeWhile(name => !string.Equals(name, shard, StringComparison.OrdinalIgnoreCase)).Count();
        return index < shards.Configured.Count
            ? $"{DatabaseOptions.SectionName}:Shards:{index}:ConnectionString"
            : ShardRegistry.Setting;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await shardMap.InitializeAsync(shards.Configured, shards.Known, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {Shard} does not answer: the node serves the other shards, and applies its migrations once it answers.")]
    private static partial void LogShardWaiting(ILogger logger, string shard, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} answers again and is at the latest migration: it serves again.")]
    private static partial void LogShardBack(ILogger logger, string shard);

    [LoggerMessage(Level = LogLevel.Information, Message = "Databases ready: catalog and {ShardCount} shard(s) in the shard map.")]
    private static partial void LogReady(ILogger logger, int shardCount);
}
