using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Studies;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Export;

/// <summary>The scheduled, incremental extraction of every study (what the scheduler and operators call).</summary>
public interface IExtractionRunner
{
    /// <summary>
    /// Extracts what changed in every study since its last completed run, under the catalog lease, so that of all the
    /// nodes ticking at the same moment exactly one does the work. Returns false when another node holds the lease.
    /// </summary>
    Task<bool> RunAllAsync(CancellationToken cancellationToken);

    /// <summary>Where the file of <paramref name="run"/> is (or will be, until it completes).</summary>
    string PathOf(ExtractionRun run);
}

/// <summary>A point in a run where a test can make it "crash".</summary>
internal enum ExtractionStage
{
    MidFile,
    FileWritten,
    RunMarkedWritten,
    FileRenamed,
}

/// <summary>
/// Per study: finish an interrupted run first, then extract (watermark, now − margin] into
/// <c>&lt;Export:Directory&gt;/&lt;study&gt;/&lt;window end&gt;.csv</c>: write a temporary file, flush it to disk, record its
/// counts and SHA-256, rename it, and only then move the watermark. A crash at any step leaves a state the next run
/// completes with the same window and the same file name: no gap, no duplicate.
/// </summary>
internal sealed partial class ExtractionRunner(
    ExportService exports,
    IStudyStore studies,
    IExtractionStore runs,
    IOptions<ExportOptions> options,
    IHostEnvironment environment,
    DataDirectory dataDirectory,
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

    /// <summary>Test seam: called at each stage; throwing here is a crash at that point.</summary>
    internal Func<ExtractionStage, Task>? OnStage { get; set; }

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

    /// <summary>One study: recover an interrupted run, then extract the next window. Returns the run made, if any.</summary>
    public async Task<ExtractionRun?> RunStudyAsync(Guid studyId, CancellationToken cancellationToken)
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
            return null;
        }

        var fileName = until.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".csv";
        var run = await runs.StartAsync(studyId, watermark, until, fileName, cancellationToken);
        await WriteAsync(run, cancellationToken);
        return await runs.FindAsync(run.Id, cancellationToken);
    }

    /// <summary>The path of a run's file.</summary>
    public string PathOf(ExtractionRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Path.Combine(StudyDirectory(run.StudyId), run.FileName);
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private async Task FinishAsync(ExtractionRun run, CancellationToken cancellationToken)
    {
        var final = PathOf(run);
        var temporary = TemporaryPathOf(run);
        if (run.Status == ExtractionStatus.Written && File.Exists(final) && await Sha256Async(final, cancellationToken) == run.Sha256)
        {
            await runs.MarkCompletedAsync(run.Id, cancellationToken);
        }
        else if (run.Status == ExtractionStatus.Written && File.Exists(temporary) && await Sha256Async(temporary, cancellationToken) == run.Sha256)
        {
            File.Move(temporary, final, overwrite: true);
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
        Directory.CreateDirectory(StudyDirectory(run.StudyId));
        var temporary = TemporaryPathOf(run);
        // Compared with what the last completed run published (this run is not completed, so never itself).
        var previous = await runs.BaselineAsync(run.StudyId, cancellationToken);
        ExtractionResult result;
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            await using var observed = new StageStream(file, () => Stage(ExtractionStage.MidFile));
            result = await exports.ExtractAsync(
                run.StudyId, new ChangeWindow(run.WindowAfter, run.WindowUntil), previous, observed, cancellationToken);
            await observed.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }

        var summary = result.Summary;
        await Stage(ExtractionStage.FileWritten);
        await runs.MarkWrittenAsync(run.Id, result, await Sha256Async(temporary, cancellationToken), cancellationToken);
        await Stage(ExtractionStage.RunMarkedWritten);
        File.Move(temporary, PathOf(run), overwrite: true);
        await Stage(ExtractionStage.FileRenamed);
        await runs.MarkCompletedAsync(run.Id, cancellationToken);
        LogExtracted(logger, run.StudyId, summary.Rows, summary.SuppressedPatients);
    }

    private Task Stage(ExtractionStage stage) => OnStage?.Invoke(stage) ?? Task.CompletedTask;

    private string StudyDirectory(Guid studyId)
    {
        var root = string.IsNullOrWhiteSpace(options.Value.Directory)
            ? Path.Combine(dataDirectory.Path, "exports")
            : Path.GetFullPath(options.Value.Directory, environment.ContentRootPath);
        return Path.Combine(root, studyId.ToString("D"));
    }

    private string TemporaryPathOf(ExtractionRun run) => Path.Combine(StudyDirectory(run.StudyId), $".{run.FileName}.tmp");

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Extracted study {StudyId}: {Rows} rows, {Suppressed} patients held back by k-anonymity.")]
    private static partial void LogExtracted(ILogger logger, Guid studyId, int rows, int suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The extraction lease could not be renewed: another node took it over, so this pass stops.")]
    private static partial void LogLeaseLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The extraction of study {StudyId} failed ({Failure}); the next run finishes it.")]
    private static partial void LogStudyFailed(ILogger logger, Guid studyId, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Finished the interrupted extraction of study {StudyId} (it stopped at {Status}).")]
    private static partial void LogRecovered(ILogger logger, Guid studyId, ExtractionStatus status);

    /// <summary>Passes writes through and reports once the first bytes were written (a crash "mid-file" for tests).</summary>
    private sealed class StageStream(Stream inner, Func<Task> midFile) : Stream
    {
        private bool _reported;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        // Like an HTTP response, the file accepts asynchronous writes only: a synchronous one is a bug to surface.
        public override void Write(byte[] buffer, int offset, int count) =>
            throw new NotSupportedException("The export writes asynchronously only.");

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            if (!_reported)
            {
                _reported = true;
                await midFile();
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // The inner file belongs to the caller: nothing of it is disposed here.
        public override async ValueTask DisposeAsync() => await base.DisposeAsync();
    }
}
