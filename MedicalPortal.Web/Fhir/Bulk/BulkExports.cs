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

    /// <summary>A running job that has not beaten for this long is taken for lost (its node stopped).</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(60);

    private const string JobFile = "job.json";
    private const string CancelFile = "cancel";
    private const string TrashPrefix = ".deleted-";

    private readonly ConcurrentDictionary<Guid, LocalJob> _running = new();
    private readonly string _root = Path.Combine(directory.Path, "bulk");
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    /// <summary>How long a finished job's files are kept.</summary>
    public TimeSpan Retention => TimeSpan.FromHours(options.Value.BulkExportHours);

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
        var local = new LocalJob(job, new NdjsonRelease(FolderOf(job.Id), studyId, types), CancellationTokenSource.CreateLinkedTokenSource(Stopping));
        await SaveAsync(local, job, CancellationToken.None);
        _running[job.Id] = local;
        local.Task = Task.Run(() => RunAsync(local), CancellationToken.None);
        LogStarted(job.Id, studyId);
        return job;
    }

    /// <summary>
    /// The export <paramref name="jobId"/> of <paramref name="user"/> (who must still be allowed to export); not found
    /// when it is another account's, was cancelled or has been deleted. A running job whose node went away is failed.
    /// </summary>
    public async Task<BulkExportJob> FindAsync(ICurrentUser user, Guid jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var job = Read(jobId);
        if (job is null || job.AccountId != user.AccountId || IsCancelled(jobId))
        {
            // Permission is checked first, so that an account without it learns nothing about which jobs exist.
            await exports.AuthorizeAsync(user, cancellationToken);
            throw new RecordNotFoundException(Resource.Export);
        }

        await exports.AuthorizeDownloadAsync(user, job.StudyId, cancellationToken);
        return IsLost(job)
            ? job with { Status = BulkExportStatus.Failed, Error = "The export stopped before it finished: the server running it went away. Start it again." }
            : job;
    }

    /// <summary>Where the file of <paramref name="type"/> of a completed job is; null when it has none.</summary>
    public string? FileOf(BulkExportJob job, string type)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Status != BulkExportStatus.Completed || !job.Output.ContainsKey(type))
        {
            return null;
        }

        var path = Path.Combine(FolderOf(job.Id), NdjsonRelease.FileName(type));
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Cancels a running export of <paramref name="user"/>, or deletes a finished one and its files; from then on it is
    /// not found. A running one is marked cancelled in its folder first, so that every node answers so at once; the node
    /// running it stops at its next write (or beat, on another node) and deletes the folder.
    /// </summary>
    public async Task CancelAsync(ICurrentUser user, Guid jobId, CancellationToken cancellationToken)
    {
        var job = await FindAsync(user, jobId, cancellationToken);
        if (job.Status != BulkExportStatus.Running)
        {
            Delete(jobId);
            return;
        }

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
        }
    }

    /// <summary>The time a finished job's files are deleted: the manifest's <c>Expires</c>.</summary>
    public DateTimeOffset ExpiresAt(BulkExportJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return (job.FinishedAt ?? job.HeartbeatAt) + Retention;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Stopping = stoppingToken;
        using var timer = new PeriodicTimer(HeartbeatInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await BeatAsync();
                if (clock.GetUtcNow() - _lastSweep >= TimeSpan.FromMinutes(1))
                {
                    Sweep();
                    _lastSweep = clock.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // The host is stopping: the jobs it runs end as failed (their requesters start them again elsewhere).
        await Task.WhenAll(_running.Values.Select(j => j.Task));
    }

    private CancellationToken Stopping { get; set; }

    private async Task RunAsync(LocalJob local)
    {
        var job = local.Job;
        try
        {
            var final = await ReleaseAsync(local);
            if (final is null)
            {
                // Cancelled by its requester: no state is saved after this, and the folder goes.
                await local.FinishAsync();
                Delete(job.Id);
                LogCancelled(job.Id);
                return;
            }

            await SaveAsync(local, final, CancellationToken.None);
            await local.FinishAsync();
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
    private async Task<BulkExportJob?> ReleaseAsync(LocalJob local)
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
            return Failed(job, "The server stopped before the export finished. Start it again.");
        }
        catch (ShardUnavailableException e)
        {
            // Names the shards that did not answer, nothing of any patient.
            return Failed(job, $"{e.Message} Start the export again when they are back.");
        }
        catch (Exception e)
        {
            LogFailed(e, job.Id);
            return Failed(job, $"The export failed. The clinic's log has the details (job {job.Id:D}).");
        }
    }

    private BulkExportJob Failed(BulkExportJob job, string error) =>
        job with { Status = BulkExportStatus.Failed, FinishedAt = clock.GetUtcNow(), Resources = 0, Error = error };

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

                await SaveAsync(local, local.Job with { HeartbeatAt = clock.GetUtcNow(), Resources = local.Release.Resources }, CancellationToken.None);
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
        if (Directory.Exists(_root))
        {
            foreach (var trash in Directory.EnumerateDirectories(_root, TrashPrefix + "*"))
            {
                DeleteTrash(trash, Guid.Empty);
            }
        }

        var now = clock.GetUtcNow();
        foreach (var job in Jobs())
        {
            if (!_running.ContainsKey(job.Id) && (job.FinishedAt ?? job.HeartbeatAt) + Retention <= now)
            {
                Delete(job.Id);
            }
        }
    }

    // Writes the job file whole under a temporary name and renames it: a reader on any node sees the old or the new.
    private async Task SaveAsync(LocalJob local, BulkExportJob job, CancellationToken cancellationToken)
    {
        await local.Gate.WaitAsync(cancellationToken);
        try
        {
            if (local.IsFinished)
            {
                return;
            }

            var path = Path.Combine(FolderOf(job.Id), JobFile);
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(job, BulkExportJob.Json), cancellationToken);
            File.Move(temporary, path, overwrite: true);
            local.Job = job;
        }
        finally
        {
            local.Gate.Release();
        }
    }

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
        catch (IOException e)
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

    [LoggerMessage(LogLevel.Warning, "The files of bulk export {JobId} could not be deleted; the next sweep tries again.")]
    private partial void LogUndeleted(Exception exception, Guid jobId);

    // A job this node runs: its latest saved state, its release and how to stop it.
    private sealed class LocalJob(BulkExportJob job, NdjsonRelease release, CancellationTokenSource stop) : IDisposable
    {
        private int _cancelled;

        public BulkExportJob Job { get; set; } = job;

        public NdjsonRelease Release { get; } = release;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Task Task { get; set; } = Task.CompletedTask;

        public CancellationToken Token => stop.Token;

        /// <summary>Whether its requester cancelled it (rather than the host stopping).</summary>
        public bool IsCancelled => Volatile.Read(ref _cancelled) == 1;

        /// <summary>Whether its final state is saved: no beat may overwrite it.</summary>
        public bool IsFinished { get; private set; }

        public void Cancel()
        {
            Interlocked.Exchange(ref _cancelled, 1);
            stop.Cancel();
        }

        /// <summary>Marks the final state saved, once no beat is writing.</summary>
        public async Task FinishAsync()
        {
            await Gate.WaitAsync();
            IsFinished = true;
            Gate.Release();
        }

        public void Dispose()
        {
            stop.Dispose();
            Gate.Dispose();
        }
    }
}

/// <summary>Another Bulk Data export of the same account is still running: one at a time per account.</summary>
internal sealed class BulkExportBusyException(Guid runningJobId)
    : Exception("An export of yours is still running: wait for it, or cancel it, before starting another.")
{
    public Guid RunningJobId { get; } = runningJobId;
}
