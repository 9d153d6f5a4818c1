using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedicalPortal.Web.Hosting;

/// <summary>
/// Readiness of the node itself: unhealthy once it is shutting down, so a balancer that still asks sends its
/// requests elsewhere while the node finishes the ones in flight.
/// </summary>
internal sealed class StoppingHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("This node is shutting down; it finishes the requests in flight and takes no more.")
            : HealthCheckResult.Healthy("Serving."));
}
