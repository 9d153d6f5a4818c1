using MedicalPortal.Core.Export;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Jobs;

/// <summary>
/// Runs the incremental extraction of every study on the cron schedule <c>Export:Schedule</c> (UTC). Every node ticks;
/// the catalog lease lets exactly one of them do the work, so adding nodes never duplicates an extraction and losing
/// one never stops it. A failed pass is logged and finished by the next tick.
/// </summary>
internal sealed partial class ScheduledExtraction(
    IExtractionRunner runner,
    IOptions<ExportOptions> options,
    TimeProvider clock,
    ILogger<ScheduledExtraction> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (ExtractionSchedule.Parse(options.Value.Schedule) is not { } schedule)
        {
            LogNoSchedule(logger);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            if (schedule.NextAfter(clock.GetUtcNow().UtcDateTime) is not { } next)
            {
                return;
            }

            // In steps of at most a day: a timer cannot wait a year, and the clock may be adjusted meanwhile.
            for (var now = clock.GetUtcNow().UtcDateTime; now < next; now = clock.GetUtcNow().UtcDateTime)
            {
                await Task.Delay(Min(next - now, MaxWait), clock, stoppingToken);
            }

            try
            {
                if (!await runner.RunAllAsync(stoppingToken))
                {
                    LogSkipped(logger);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception failure)
            {
                // Logged without data: the runner's exceptions carry study ids at most. The next tick recovers.
                LogFailed(logger, failure.GetType().Name);
            }
        }
    }

    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "No Export:Schedule: the scheduled extraction is off on this node.")]
    private static partial void LogNoSchedule(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another node holds the extraction lease; this tick is skipped.")]
    private static partial void LogSkipped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The scheduled extraction failed ({Failure}); the next tick finishes it.")]
    private static partial void LogFailed(ILogger logger, string failure);
}
