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
    /// Participants with all their visits. With a <paramref name="window"/>, only those whose record, consent or any
    /// visit changed in it, and those <paramref name="alsoSelect"/> picks (it sees a patient without visits).
    /// </summary>
    IAsyncEnumerable<ExportPatient> ParticipantsAsync(
        Guid studyId, ChangeWindow? window, Func<ExportPatient, bool>? alsoSelect, CancellationToken cancellationToken);

    /// <summary>
    /// The participants <see cref="ParticipantsAsync"/> selects with the same arguments, each with the diagnosis codes of
    /// all their visits and no other visit data: the pass that counts a release's codes before its rows are written.
    /// </summary>
    IAsyncEnumerable<ExportPatientCodes> DiagnosisCodesAsync(
        Guid studyId, ChangeWindow? window, Func<ExportPatient, bool>? alsoSelect, CancellationToken cancellationToken);
}

/// <summary>Changes with an update time in (<see cref="After"/>, <see cref="Until"/>]; no <see cref="After"/> means from the start.</summary>
public sealed record ChangeWindow(DateTimeOffset? After, DateTimeOffset Until);
