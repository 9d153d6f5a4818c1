using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;

namespace MedicalPortal.Web.Jobs;

/// <summary>
/// Writes a checkpoint of every audit chain's head outside the databases on the cron schedule
/// <c>Audit:AnchorSchedule</c> (UTC, hourly by default), on one node at a time (a catalog lease). Entries written after
/// the newest checkpoint are what a put-back head could still hide: the schedule bounds that window.
/// </summary>
internal sealed class ScheduledAuditAnchors(IAuditAnchors anchors, TimeProvider clock, ILogger<ScheduledAuditAnchors> logger)
    : CronJob(clock, logger)
{
    protected override string Name => "The audit checkpoint";

    protected override string Setting => "Audit:AnchorSchedule";

    protected override ExtractionSchedule? Schedule => ExtractionSchedule.Parse(anchors.Schedule);

    protected override Task<bool> RunOnceAsync(CancellationToken cancellationToken) => anchors.WriteScheduledAsync(cancellationToken);
}
