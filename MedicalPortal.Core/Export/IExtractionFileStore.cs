namespace MedicalPortal.Core.Export;

/// <summary>
/// Where the files of scheduled extractions are kept. A run's file is written under a temporary name and made durable
/// before it gets its final name, so that a file under its final name is always complete; a run interrupted at any
/// step finds here what it had written.
/// </summary>
public interface IExtractionFileStore
{
    /// <summary>
    /// Writes the temporary file of <paramref name="run"/> with <paramref name="write"/> (replacing any earlier one) and
    /// returns once it is on disk.
    /// </summary>
    Task WriteTemporaryAsync(ExtractionRun run, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken);

    /// <summary>The SHA-256 (lowercase hex) of the temporary or the final file of <paramref name="run"/>; null when there is none.</summary>
    Task<string?> Sha256Async(ExtractionRun run, ExtractionFile file, CancellationToken cancellationToken);

    /// <summary>Gives the temporary file of <paramref name="run"/> its final name, replacing a file of that name.</summary>
    Task PublishAsync(ExtractionRun run, CancellationToken cancellationToken);

    /// <summary>
    /// Where the final file of <paramref name="run"/> is, for a download; null when it is not there (removed under the
    /// clinic's retention policy, or the shared folder is not mounted on this node).
    /// </summary>
    string? Find(ExtractionRun run);
}

/// <summary>Which of a run's files: the one being written, or the one published under its final name.</summary>
public enum ExtractionFile
{
    Temporary,
    Final,
}
