namespace MedicalPortal.Web.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The scheduled checkpoints of the audit chains' heads (<see cref="ScheduledAuditAnchors"/>).</summary>
    public static IServiceCollection AddAuditAnchoring(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddHostedService<ScheduledAuditAnchors>();
    }
}
