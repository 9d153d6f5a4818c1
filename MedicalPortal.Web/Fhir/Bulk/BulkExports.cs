using System.Collections.Concurrent;
using System.Text.Json;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Export;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Fhir.Bulk;

/// <summary>
/// The FHIR Bulk Data exports of studies (decision 0042). A kick-off is checked here (Export Retrieve, the study exists,
/// no other export of the account still running) and then runs in the background of the node that took it, writing its
/// NDJSON files and its <c>job.json</c> into <c>bulk/&lt;job id&gt;/</c> of the export directory every node shares. So
/// any node answers a status request or serves a file; a job whose node went away stops beating and is reported
/// failed; a cancellation asked on another node is a marker file the running node sees. Finished jobs are deleted
/// after <c>Fhir:BulkExportHours</c>.
/// </summary>
internal sealed partial class BulkExports(
    ExportService exports,
    ExportDirectory directory,
    TimeProvider clock,
    IOptions<BulkExportOptions> options,
    ILogger<BulkExports> logger) : BackgroundService
{
    /// <summary>How often the running node says that a job is still running, and looks for a cancellation.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A running job that has not beaten for this long is taken for lost (its node stopped): twelve beats, room for a
    /// slow share and for the nodes' clocks to differ by some seconds.
    /// </summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(60);

    /// <summary>How often each node deletes what is kept no longer.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private const string JobFile = "job.json";
    private const string CancelFile = "cancel";
    private const string TrashPrefix = ".deleted-";

    private readonly ConcurrentDictionary<Guid, LocalJob> _running = new();
    private readonly string _root = Path.Combine(directory.Path, "bulk");

    // Kick-offs on this node one at a time, so that one account's two at once cannot both pass the check that none of
    // its exports runs. Across nodes the check is as good as the share's view of the other nodes' jobs.
    private readonly SemaphoreSlim _starting = new(1, 1);

    // Stops the jobs of this node when the host stops: they end failed, and their requesters start them again.
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>How long a finished job's files are kept.</summary>
    public TimeSpan Retention => TimeSpan.FromHours(options.Value.BulkExportHours);

    /// <summary>Whether <paramref name="user"/> may export studies at all: checked before anything else is said.</summary>
    public Task AuthorizeAsync(ICurrentUser user, CancellationToken cancellationToken) => exports.AuthorizeAsync(user, cancellationToken);

    /// <summary>
    /// Starts the export of <paramref name="types"/> of the study for <paramref name="user"/>, who must be allowed to
    /// export it; <paramref name="request"/> is the kick-off URL. Throws <see cref="BulkExportBusyException"/> while
    /// another export of the account runs.
    /// </summary>
    public async Task<BulkExportJob> StartAsync(
        ICurrentUser user, Guid studyId, IReadOnlyList<string> types, string request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await exports.AuthorizeDownloadAsync(user, studyId, cancellationToken);
        var accountId = user.AccountId ?? throw new AccessDeniedException(isAuthenticated: false, Resource.Export, Operations.Retrieve);

        await _starting.WaitAsync(cancellationToken);
        try
        {
            if (Jobs().FirstOrDefault(j => j.AccountId == accountId && j.Status == BulkExportStatus.Running && !IsLost(j) && !IsCancelled(j.Id)) is { } busy)
            {
                throw new BulkExportBusyException(busy.Id);
            }

            var now = clock.GetUtcNow();
            var job = new BulkExportJob
            {
                Id = Guid.CreateVersion7(now),
                StudyId = studyId,
                AccountId = accountId,
                RequestedBy = AuditActor.Of(user).Name,
                TransactionTime = now,
                Request = request,
                Types = types,
                Status = BulkExportStatus.Running,
                HeartbeatAt = now,
            };
            Directory.CreateDirectory(FolderOf(job.Id));
            var local = new LocalJob(job, new NdjsonRelease(FolderOf(job.Id), studyId, types), _stopping.Token);
            await UpdateAsync(local, _ => job, final: false);
            _running[job.Id] = local;
            local.Work = Task.Run(() => RunAsync(local), CancellationToken.None);
            LogStarted(job.Id, studyId);
            return job;
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <summary>
    /// The export <paramref name="jobId"/> of <paramref name="user"/> (who must still be allowed to export); not found
    /// when it is another account's, was cancelled or has been deleted. A running job whose node went away is failed.
    /// </summary>
    public async Task<BulkExportJob> FindAsync(ICurrentUser user, Guid jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);

        // Permission before "not found" either way, so that an account without it learns nothing about which jobs exist.
        var job = Read(jobId);
        if (job is null || job.AccountId != user.AccountId || IsCancelled(jobId))
        {
            await exports.AuthorizeAsync(user, cancellationToken);
            throw new RecordNotFoundException(Resource.Export);
        }

        await exports.AuthorizeDownloadAsync(user, job.StudyId, cancellationToken);
        return IsLost(job)
            ? job with { Status = BulkExportStatus.Failed, Error = "The export stopped before it finished: the server running it went away. Start it again." }
            : job;
    }

    /// <summary>
    /// Opens the file of <paramref name="type"/> of a completed job for reading; null when it has none, or it has just
    /// been deleted (its requester cancelled it, or its hours ran out).
    /// </summary>
    public Stream? OpenFile(BulkExportJob job, string type)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Status != BulkExportStatus.Completed || !job.Output.ContainsKey(type))
        {
            return null;
        }

        try
        {
            // Once open, the file stays readable to its end even if the folder is deleted meanwhile.
            return new FileStream(
                Path.Combine(FolderOf(job.Id), NdjsonRelease.FileName(type)),
                FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Cancels a running export of <paramref name="user"/>, or deletes a finished one and its files; from then on it is
    /// not found. A running one is marked cancelled in its folder first, so that every node answers so at once; the node
    /// running it stops at its next write (or beat, on another node) and deletes the folder.
    /// </summary>
    public async Task CancelAsync(ICurrentUser user, Guid jobId, CancellationToken cancellationToken)
    {
        var job = await FindAsync(user, jobId, cancellationToken);
        if (job.Status == BulkExportStatus.Running)
        {
            try
            {
                await File.WriteAllTextAsync(Path.Combine(FolderOf(jobId), CancelFile), "", cancellationToken);
            }
            catch (DirectoryNotFoundException)
            {
                // It finished and went in the meantime.
                return;
            }

            if (_running.TryGetValue(jobId, out var local))
            {
                local.Cancel();
                return;
            }

            // Not running here: unless it ended between the two reads (then nothing will delete it but this), the node
            // running it stops at its next beat and deletes the folder.
            if (Read(jobId) is not { Status: BulkExportStatus.Running })
            {
                Delete(jobId);
            }

            return;
        }

        Delete(jobId);
    }

    /// <summary>The time a finished job's files are deleted: the manifest's <c>Expires</c>.</summary>
    public DateTimeOffset ExpiresAt(BulkExportJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return (job.FinishedAt ?? job.HeartbeatAt) + Retention;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    // As BackgroundService does with its own token: cancelled, not disposed, since a host may still call StopAsync after
    // the container disposed its services (a test host disposed twice does).
    public override void Dispose()
    {
        _stopping.Cancel();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The beats and the sweep each on their own timer: a slow sweep of a large share never delays a beat (which
        // would have the other nodes take a running job for lost).
        await Task.WhenAll(
            EveryAsync(HeartbeatInterval, BeatAsync, stoppingToken),
            EveryAsync(SweepInterval, () => { Sweep(); return Task.CompletedTask; }, stoppingToken));

        // The jobs of this node end failed as the host stops.
        await Task.WhenAll(_running.Values.Select(j => j.Work));
    }

    // Runs the step on each tick; a step that fails is logged and the next tick tries again: one unreadable folder on the
    // share must not stop the service on every node.
    private async Task EveryAsync(TimeSpan interval, Func<Task> step, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await step();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogStepFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(LocalJob local)
    {
        var job = local.Job;
        try
        {
            var final = await WriteReleaseAsync(local);
            if (final is null)
            {
                // Cancelled by its requester: no state is saved after this, and the folder goes.
                await UpdateAsync(local, current => current, final: true);
                Delete(job.Id);
                LogCancelled(job.Id);
                return;
            }

            await UpdateAsync(local, _ => final, final: true);
            LogFinished(job.Id, final.Status, final.Resources);
            if (IsCancelled(job.Id))
            {
                // Cancelled as it finished: its requester asked for it to go.
                Delete(job.Id);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogUnsaved(e, job.Id);
        }
        finally
        {
            _running.TryRemove(job.Id, out _);
            local.Dispose();
        }
    }

    // Writes the release; returns the job's final state, or null when its requester cancelled it.
    private async Task<BulkExportJob?> WriteReleaseAsync(LocalJob local)
    {
        var job = local.Job;
        try
        {
            await exports.ReleaseAsync(new AuditActor(job.AccountId, job.RequestedBy), job.StudyId, local.Release.WriteAsync, local.Token);
            return job with
            {
                Status = BulkExportStatus.Completed,
                FinishedAt = clock.GetUtcNow(),
                Resources = local.Release.Resources,
                Output = local.Release.Counts.Where(c => c.Value > 0).ToDictionary(),
            };
        }
        catch (OperationCanceledException) when (local.IsCancelled)
        {
            return null;
        }
        catch (OperationCanceledException) when (local.Token.IsCancellationRequested)
        {
            return Failed(job, "The server stopped before the export finished. Start it again.", transient: true);
        }
        catch (ShardUnavailableException e)
        {
            // Names the shards that did not answer, nothing of any patient.
            return Failed(job, $"{e.Message} Start the export again when they are back.", transient: true);
        }
        catch (Exception e)
        {
            LogFailed(e, job.Id);
            return Failed(job, $"The export failed. The clinic's log has the details (job {job.Id:D}).", transient: false);
        }
    }

    private BulkExportJob Failed(BulkExportJob job, string error, bool transient) =>
        job with { Status = BulkExportStatus.Failed, FinishedAt = clock.GetUtcNow(), Resources = 0, Error = error, Transient = transient };

    // Says that each running job is still running, with how far it got, and stops those cancelled on another node.
    private async Task BeatAsync()
    {
        foreach (var local in _running.Values)
        {
            try
            {
                if (IsCancelled(local.Job.Id))
                {
                    local.Cancel();
                    continue;
                }

                await UpdateAsync(local, current => current with { HeartbeatAt = clock.GetUtcNow(), Resources = local.Release.Resources }, final: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogUnsaved(e, local.Job.Id);
            }
        }
    }

    // Deletes what is kept no longer: finished jobs past their retention, jobs lost or cancelled that long ago, and
    // folders whose deletion was interrupted.
    private void Sweep()
    {
        if (!Directory.Exists(_root))
        {
            return;
        }

        foreach (var trash in Directory.EnumerateDirectories(_root, TrashPrefix + "*"))
        {
            DeleteTrash(trash, Guid.Empty);
        }

        var now = clock.GetUtcNow();
        foreach (var folder in Directory.EnumerateDirectories(_root))
        {
            if (!Guid.TryParse(Path.GetFileName(folder), out var id) || _running.ContainsKey(id))
            {
                continue;
            }

            // A folder without a readable state (its node stopped before writing it, or it was damaged) goes by its age.
            var since = Read(id) is { } job ? job.FinishedAt ?? job.HeartbeatAt : new DateTimeOffset(Directory.GetLastWriteTimeUtc(folder), TimeSpan.Zero);
            if (since + Retention <= now)
            {
                Delete(id);
            }
        }
    }

    /// <summary>
    /// Saves the state <paramref name="change"/> makes of the job's latest one: whole under a temporary name, then
    /// renamed, so that a reader on any node sees the old state or the new. Once a <paramref name="final"/> state is
    /// saved, no beat overwrites it.
    /// </summary>
    private static async Task UpdateAsync(LocalJob local, Func<BulkExportJob, BulkExportJob> change, bool final)
    {
        await local.Gate.WaitAsync();
        try
        {
            if (local.IsFinished)
            {
                return;
            }

            var job = change(local.Job);
            if (!final || job.Status != BulkExportStatus.Running)
            {
                var path = Path.Combine(local.Folder, JobFile);
                var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
                await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(job, BulkExportJob.Json));
                File.Move(temporary, path, overwrite: true);
                local.Job = job;
            }

            local.IsFinished = final;
        }
        finally
        {
            local.Gate.Release();
        }
    }

    // A job's state, or null when there is none (deleted, never written whole, or unreadable: then the sweep's
    // retention deletes the folder by its age).
    private BulkExportJob? Read(Guid jobId)
    {
        try
        {
            return JsonSerializer.Deserialize<BulkExportJob>(File.ReadAllBytes(Path.Combine(FolderOf(jobId), JobFile)), BulkExportJob.Json);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            LogUnreadable(e, jobId);
            return null;
        }
    }

    private IEnumerable<BulkExportJob> Jobs()
    {
        if (!Directory.Exists(_root))
        {
            yield break;
        }

        foreach (var folder in Directory.EnumerateDirectories(_root))
        {
            if (Guid.TryParse(Path.GetFileName(folder), out var id) && Read(id) is { } job)
            {
                yield return job;
            }
        }
    }

    private bool IsCancelled(Guid jobId) => File.Exists(Path.Combine(FolderOf(jobId), CancelFile));

    private bool IsLost(BulkExportJob job) => job.Status == BulkExportStatus.Running && clock.GetUtcNow() - job.HeartbeatAt > LostAfter;

    // Moves the folder aside in one step, then deletes it: a reader on any node finds the whole job or none of it.
    private void Delete(Guid jobId)
    {
        var trash = Path.Combine(_root, $"{TrashPrefix}{jobId:N}-{Guid.NewGuid():N}");
        try
        {
            Directory.Move(FolderOf(jobId), trash);
        }
        catch (DirectoryNotFoundException)
        {
            // Another node deleted it first.
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogUndeleted(e, jobId);
            return;
        }

        DeleteTrash(trash, jobId);
    }

    private void DeleteTrash(string trash, Guid jobId)
    {
        try
        {
            Directory.Delete(trash, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Another node's sweep deleted it first.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogUndeleted(e, jobId);
        }
    }

    private string FolderOf(Guid jobId) => Path.Combine(_root, jobId.ToString("D"));

    [LoggerMessage(LogLevel.Information, "Bulk export {JobId} of study {StudyId} started.")]
    private partial void LogStarted(Guid jobId, Guid studyId);

    [LoggerMessage(LogLevel.Information, "Bulk export {JobId} ended {Status} with {Resources} resources.")]
    private partial void LogFinished(Guid jobId, BulkExportStatus status, int resources);

    [LoggerMessage(LogLevel.Information, "Bulk export {JobId} was cancelled by its requester; its files are deleted.")]
    private partial void LogCancelled(Guid jobId);

    [LoggerMessage(LogLevel.Error, "Bulk export {JobId} failed.")]
    private partial void LogFailed(Exception exception, Guid jobId);

    [LoggerMessage(LogLevel.Warning, "The state of bulk export {JobId} could not be written to the export directory.")]
    private partial void LogUnsaved(Exception exception, Guid jobId);

    [LoggerMessage(LogLevel.Warning, "The state of bulk export {JobId} could not be read from the export directory; it is left to the sweep.")]
    private partial void LogUnreadable(Exception exception, Guid jobId);

    [LoggerMessage(LogLevel.Warning, "The files of bulk export {JobId} could not be deleted; the next sweep tries again.")]
    private partial void LogUndeleted(Exception exception, Guid jobId);

    [LoggerMessage(LogLevel.Error, "A beat or sweep of the bulk exports failed; the next one tries again.")]
    private partial void LogStepFailed(Exception exception);

    // A job this node runs: its latest saved state, its release and how to stop it.
    private sealed class LocalJob(BulkExportJob job, NdjsonRelease release, CancellationToken stopping) : IDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        private readonly Lock _lock = new();
        private bool _cancelled;
        private bool _disposed;

        public BulkExportJob Job { get; set; } = job;

        public NdjsonRelease Release { get; } = release;

        public string Folder => Release.Folder;

        /// <summary>One state change at a time (never disposed: a beat may still wait on it as the job ends).</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>The background run of the job.</summary>
        public Task Work { get; set; } = Task.CompletedTask;

        public CancellationToken Token => _stop.Token;

        /// <summary>Whether its requester cancelled it (rather than the host stopping).</summary>
        public bool IsCancelled
        {
            get
            {
                lock (_lock)
                {
                    return _cancelled;
                }
            }
        }

        /// <summary>Whether its final state is saved: no beat may overwrite it.</summary>
        public bool IsFinished { get; set; }

        public void Cancel()
        {
            lock (_lock)
            {
                if (!_disposed)
                {
                    _cancelled = true;
                    _stop.Cancel();
                }
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
                _stop.Dispose();
            }
        }
    }
}

/// <summary>Another Bulk Data export of the same account is still running: one at a time per account.</summary>
internal sealed class BulkExportBusyException(Guid runningJobId)
    : Exception("An export of yours is still running: wait for it, or cancel it, before starting another.")
{
    public Guid RunningJobId { get; } = runningJobId;
}
