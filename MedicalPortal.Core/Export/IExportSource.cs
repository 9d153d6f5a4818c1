namespace MedicalPortal.Core.Export;

/// <summary>
/// Reads a study's participants (active consent, not withdrawn) from every shard in parallel, streaming: memory holds
/// one patient's visits at a time, never the export.
/// </summary>
public interface IExportSource
{
    /// <summary>Every participant's quasi-identifier inputs (no visits): the first pass, for k-anonymity.</summary>
    IAsyncEnumerable<ExportPatient> PopulationAsync(Guid studyId, CancellationToken cancellationToken);

    /// <summary>
    /// Participants with their visits. With a <paramref name="window"/>, only what changed in it: all rows of a patient
    /// whose record or consent changed, otherwise only the visits that changed.
    /// </summary>
    IAsyncEnumerable<ExportPatient> ParticipantsAsync(Guid studyId, ChangeWindow? window, CancellationToken cancellationToken);
}

/// <summary>Changes with an update time in (<see cref="After"/>, <see cref="Until"/>]; no <see cref="After"/> means from the start.</summary>
public sealed record ChangeWindow(DateTimeOffset? After, DateTimeOffset Until);
