using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedicalPortal.Data.Health;

/// <summary>The catalog must answer: without it nobody can sign in.</summary>
internal sealed class CatalogHealthCheck(IDbContextFactory<CatalogDbContext> catalog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await catalog.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("The catalog answers.")
                : HealthCheckResult.Unhealthy("The catalog does not answer.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The catalog does not answer.", e);
        }
    }
}

/// <summary>
/// Every shard is asked in parallel. A shard that is down makes only its own patients unavailable, and every node
/// shares the same shards, so taking this node out of the load balancer would not help: the node reports Degraded.
/// </summary>
internal sealed class ShardsHealthCheck(ShardContextFactory shards) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var results = await Task.WhenAll(shards.Known.Select(async shard =>
        {
            try
            {
                await using var db = shards.Create(shard);
                var up = await db.Database.CanConnectAsync(cancellationToken);
                if (up)
                {
                    // The check may be the request that tries a shard after its cool-down: an answer ends it.
                    shards.Availability.Answered(shard);
                }

                return (Shard: shard, Up: up);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return (Shard: shard, Up: false);
            }
        }));

        var data = results.ToDictionary(r => r.Shard, r => (object)(r.Up ? "up" : "down"));
        var down = results.Where(r => !r.Up).Select(r => r.Shard).ToList();
        return down.Count == 0
            ? HealthCheckResult.Healthy($"All {results.Length} shards answer.", data)
            : HealthCheckResult.Degraded($"Shards not answering: {string.Join(", ", down)}.", data: data);
    }
}

public static class DatabaseHealthCheckExtensions
{
    public static IHealthChecksBuilder AddMedicalPortalDatabases(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddCheck<CatalogHealthCheck>("catalog", tags: ["ready"])
            .AddCheck<ShardsHealthCheck>("shards", tags: ["ready"])
            .AddCheck<CacheHealthCheck>("cache", tags: ["ready"]);
    }
}
