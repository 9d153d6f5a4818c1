using MedicalPortal.Data.Caching;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedicalPortal.Data.Health;

/// <summary>
/// The cache. In-process memory is always there. Redis unreachable leaves the node fully working (reads go to the
/// databases, writes succeed) but slower, and every node shares the same Redis: Degraded, not Unhealthy.
/// </summary>
internal sealed class CacheHealthCheck(RecordCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = cache.Status;
        var data = new Dictionary<string, object>
        {
            ["mode"] = status.Mode,
            ["state"] = status.State,
            ["hitRatio"] = status.Counts.HitRatio is { } ratio ? Math.Round(ratio, 3) : "none yet",
        };
        return Task.FromResult(status switch
        {
            { Mode: "memory" } => HealthCheckResult.Healthy("In-process memory (no Cache:Redis).", data),
            { State: "connected" } => HealthCheckResult.Healthy("Redis answers.", data),
            _ => HealthCheckResult.Degraded($"Redis is {status.State}: reads go to the databases until it answers.", data: data),
        });
    }
}
