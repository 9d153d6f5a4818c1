using System.Globalization;
using System.Runtime.ExceptionServices;
using MedicalPortal.Core.Studies;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Core.Export;

/// <summary>
/// Per study: finish an interrupted run first, then extract (watermark, now − margin] into the file of the window's end
/// (<see cref="IExtractionFileStore"/>): write a temporary file and make it durable, record its counts and SHA-256, give
/// it its final name, and only then move the watermark. A crash at any step leaves a state the next run completes with
/// the same window and the same file name: no gap, no duplicate.
/// </summary>
public sealed partial class ExtractionRunner(
    ExportService exports,
    IStudyStore studies,
    IExtractionStore runs,
    IExtractionFileStore files,
    TimeProvider clock,
    ILogger<ExtractionRunner> logger) : IExtractionRunner
{
    public const string LeaseName = "scheduled-extraction";

    /// <summary>
    /// Changes are stamped by the clock before their transaction commits; a window ending this long before now never
    /// misses a change that commits late.
    /// </summary>
    public static readonly TimeSpan SafetyMargin = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(30);

    /// <summary>
    /// After a pass the lease stays taken this long, so that the other nodes ticking on the same cron occurrence skip
    /// it rather than start a second pass right behind the first (a cron fires at most once a minute).
    /// </summary>
    public static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(55);

    private readonly string _holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public async Task<bool> RunAllAsync(CancellationToken cancellationToken)
    {
        if (!await runs.TryAcquireLeaseAsync(LeaseName, _holder, LeaseDuration, cancellationToken))
        {
            return false;
        }

        // The lease is renewed while the pass runs; if it cannot be (another node took it over after it expired,
        // say after a long pause of this process), the pass stops rather than work beside the new holder.
        using var held = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewWhileRunningAsync(held);
        var failures = new List<Exception>();
        try
        {
            foreach (var study in await studies.ListAsync(held.Token))
            {
                if (study.Status == StudyStatus.Draft)
                {
                    continue;
                }

                try
                {
                    await RunStudyAsync(study.Id, held.Token);
                }
                catch (Exception failure) when (failure is not OperationCanceledException)
                {
                    // One study's failure (a full disk, a shard down) does not hold back the others; its run is
                    // finished by the next pass.
                    LogStudyFailed(logger, study.Id, failure.GetType().Name);
                    failures.Add(failure);
                }
            }
        }
        finally
        {
            await held.CancelAsync();
            await renewal;
            await runs.ReleaseLeaseAsync(LeaseName, _holder, Cooldown, CancellationToken.None);
        }

        if (failures.Count == 1)
        {
            ExceptionDispatchInfo.Throw(failures[0]);
        }

        return failures.Count == 0 ? true : throw new AggregateException("Extractions of several studies failed.", failures);
    }

    private async Task RenewWhileRunningAsync(CancellationTokenSource held)
    {
        try
        {
            while (true)
            {
                await Task.Delay(LeaseDuration / 3, clock, held.Token);
                if (!await runs.TryAcquireLeaseAsync(LeaseName, _holder, LeaseDuration, held.Token))
                {
                    LogLeaseLost(logger);
                    await held.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The pass is over (or the lease was lost): nothing more to renew.
        }
    }

    /// <summary>One study: recover an interrupted run, then extract the next window.</summary>
    private async Task RunStudyAsync(Guid studyId, CancellationToken cancellationToken)
    {
        if (await runs.UnfinishedAsync(studyId, cancellationToken) is { } unfinished)
        {
            await FinishAsync(unfinished, cancellationToken);
        }

        // Windows end on whole seconds, the precision of the file names: two passes in one second share the window end,
        // so the second finds nothing to do instead of writing a second file under the same name.
        var watermark = await runs.WatermarkAsync(studyId, cancellationToken);
        var until = WholeSecond(clock.GetUtcNow() - SafetyMargin);
        if (watermark >= until)
        {
            return;
        }

        var fileName = until.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".csv";
        var run = await runs.StartAsync(studyId, watermark, until, fileName, cancellationToken);
        await WriteAsync(run, cancellationToken);
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private async Task FinishAsync(ExtractionRun run, CancellationToken cancellationToken)
    {
        if (run.Status == ExtractionStatus.Written && await files.Sha256Async(run, ExtractionFile.Final, cancellationToken) == run.Sha256)
        {
            await runs.MarkCompletedAsync(run.Id, cancellationToken);
        }
        else if (run.Status == ExtractionStatus.Written && await files.Sha256Async(run, ExtractionFile.Temporary, cancellationToken) == run.Sha256)
        {
            await files.PublishAsync(run, cancellationToken);
            await runs.MarkCompletedAsync(run.Id, cancellationToken);
        }
        else
        {
            // Interrupted while writing, or a file that is not the one recorded: the same window again, same file name.
            await WriteAsync(run, cancellationToken);
        }

        LogRecovered(logger, run.StudyId, run.Status);
    }

    private async Task WriteAsync(ExtractionRun run, CancellationToken cancellationToken)
    {
        // Compared with what the last completed run published (this run is not completed, so never itself).
        var previous = await runs.BaselineAsync(run.StudyId, cancellationToken);
        ExtractionResult? result = null;
        await files.WriteTemporaryAsync(
            run,
            async (file, token) => result = await exports.ExtractAsync(
                run.StudyId, new ChangeWindow(run.WindowAfter, run.WindowUntil), previous, file, token),
            cancellationToken);

        var written = result ?? throw new InvalidOperationException("The extraction file was stored without being written.");
        var sha256 = await files.Sha256Async(run, ExtractionFile.Temporary, cancellationToken)
            ?? throw new InvalidOperationException("The extraction file just written is not there.");
        await runs.MarkWrittenAsync(run.Id, written, sha256, cancellationToken);
        await files.PublishAsync(run, cancellationToken);
        await runs.MarkCompletedAsync(run.Id, cancellationToken);
        LogExtracted(logger, run.StudyId, written.Summary.Rows, written.Summary.SuppressedPatients);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Extracted study {StudyId}: {Rows} rows, {Suppressed} patients held back by k-anonymity.")]
    private static partial void LogExtracted(ILogger logger, Guid studyId, int rows, int suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The extraction lease could not be renewed: another node took it over, so this pass stops.")]
    private static partial void LogLeaseLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The extraction of study {StudyId} failed ({Failure}); the next run finishes it.")]
    private static partial void LogStudyFailed(ILogger logger, Guid studyId, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Finished the interrupted extraction of study {StudyId} (it stopped at {Status}).")]
    private static partial void LogRecovered(ILogger logger, Guid studyId, ExtractionStatus status);
}
