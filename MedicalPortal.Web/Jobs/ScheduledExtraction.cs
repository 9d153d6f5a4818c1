using MedicalPortal.Core.Export;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Jobs;

/// <summary>
/// Runs the incremental extraction of every study on the cron schedule <c>Export:Schedule</c> (UTC), on one node at a
/// time (the runner's catalog lease). A failed pass is finished by the next tick.
/// </summary>
internal sealed class ScheduledExtraction(
    IExtractionRunner runner,
    IOptions<ExportOptions> options,
    TimeProvider clock,
    ILogger<ScheduledExtraction> logger) : CronJob(clock, logger)
{
    protected override string Name => "The scheduled extraction";

    protected override string Setting => $"{ExportOptions.SectionName}:{nameof(ExportOptions.Schedule)}";

    protected override ExtractionSchedule? Schedule => ExtractionSchedule.Parse(options.Value.Schedule);

    protected override Task<bool> RunOnceAsync(CancellationToken cancellationToken) => runner.RunAllAsync(cancellationToken);
}
