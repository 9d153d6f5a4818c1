namespace MedicalPortal.Core.Export;

/// <summary>
/// One scheduled extraction of a study: its window, its file and what it held, including the patients held back and
/// the distinct diagnosis codes published as their category or left out (<see cref="ExportSummary"/>).
/// </summary>
public sealed record ExtractionRun(
    Guid Id,
    Guid StudyId,
    ExtractionStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? WindowAfter,
    DateTimeOffset WindowUntil,
    string FileName,
    int Rows,
    int Patients,
    int SuppressedPatients,
    int GeneralizedCodes,
    int SuppressedCodes,
    string? Sha256);

/// <summary>
/// The steps a run goes through, each recorded before the next: a crash at any point leaves a state from which the
/// next run finishes the job without a gap and without a duplicate.
/// </summary>
public enum ExtractionStatus
{
    /// <summary>The window and file name are fixed; the temporary file may be partly written.</summary>
    Started,

    /// <summary>The temporary file is complete and on disk; its counts and SHA-256 are recorded.</summary>
    Written,

    /// <summary>The file has its final name and the study's watermark moved to the end of the window.</summary>
    Completed,
}

/// <summary>Scheduled extraction history and state, in the catalog.</summary>
public interface IExtractionStore
{
    Task<IReadOnlyList<ExtractionRun>> ListAsync(Guid studyId, CancellationToken cancellationToken);

    Task<ExtractionRun?> FindAsync(Guid runId, CancellationToken cancellationToken);

    /// <summary>The study's run that did not complete (at most one), if any.</summary>
    Task<ExtractionRun?> UnfinishedAsync(Guid studyId, CancellationToken cancellationToken);

    /// <summary>The end of the last completed run's window: everything up to it has been extracted.</summary>
    Task<DateTimeOffset?> WatermarkAsync(Guid studyId, CancellationToken cancellationToken);

    Task<ExtractionRun> StartAsync(Guid studyId, DateTimeOffset? after, DateTimeOffset until, string fileName, CancellationToken cancellationToken);

    /// <summary>What the last completed run published, for the next run to compare with; null before the first.</summary>
    Task<ExtractionBaseline?> BaselineAsync(Guid studyId, CancellationToken cancellationToken);

    Task MarkWrittenAsync(Guid runId, ExtractionResult result, string sha256, CancellationToken cancellationToken);

    Task MarkCompletedAsync(Guid runId, CancellationToken cancellationToken);

    /// <summary>Takes (or renews) the named lease for <paramref name="holder"/> unless another holder's lease is still running.</summary>
    Task<bool> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Lets the lease run out <paramref name="after"/> from now (zero: free at once), if <paramref name="holder"/> holds it.</summary>
    Task ReleaseLeaseAsync(string name, string holder, TimeSpan after, CancellationToken cancellationToken);
}
