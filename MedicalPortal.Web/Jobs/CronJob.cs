using MedicalPortal.Core.Export;

namespace MedicalPortal.Web.Jobs;

/// <summary>
/// A pass that runs on a cron schedule (UTC). Every node that carries the schedule ticks; the pass itself takes a
/// catalog lease, so that exactly one of them does the work, and adding nodes never duplicates it while losing one
/// never stops it. A failed pass is logged and run again by the next tick.
/// </summary>
internal abstract partial class CronJob(TimeProvider clock, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    /// <summary>The job as the log names it, such as "The scheduled extraction".</summary>
    protected abstract string Name { get; }

    /// <summary>The setting that holds the schedule, such as <c>Export:Schedule</c>.</summary>
    protected abstract string Setting { get; }

    /// <summary>The schedule, or null: the job does not run on this node.</summary>
    protected abstract ExtractionSchedule? Schedule { get; }

    /// <summary>One pass; false when another node holds the lease, and this tick did nothing.</summary>
    protected abstract Task<bool> RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Schedule is not { } schedule)
        {
            LogNoSchedule(logger, Setting, Name);
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
                if (!await RunOnceAsync(stoppingToken))
                {
                    LogSkipped(logger, Name);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception failure)
            {
                // Logged without data: a pass's exceptions name studies or databases at most. The next tick recovers.
                LogFailed(logger, Name, failure.GetType().Name);
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "No {Setting}: {Job} is off on this node.")]
    private static partial void LogNoSchedule(ILogger logger, string setting, string job);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Job}: another node holds the lease; this tick is skipped.")]
    private static partial void LogSkipped(ILogger logger, string job);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Job} failed ({Failure}); the next tick runs it again.")]
    private static partial void LogFailed(ILogger logger, string job, string failure);
}
