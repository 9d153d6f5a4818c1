using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Audit;

/// <summary>
/// Records who looked at which patients' data (HIPAA 164.312(b)). <see cref="RecordAsync"/> returns once the entry is
/// durable, so a service that awaits it before returning data never shows a record whose access went unrecorded.
/// </summary>
public interface IAccessLog
{
    /// <summary>
    /// Records a read in the chains of the shards that hold the patients it showed. A read that showed no patient is
    /// not recorded, except a read of the audit trail itself (<see cref="Resource.AuditLog"/>): who searched the trail,
    /// and for what, is recorded in the catalog's chain even when the answer named nobody.
    /// </summary>
    Task RecordAsync(AccessRecord access, CancellationToken cancellationToken);

    /// <summary>
    /// Records an anonymized export of a study (in the catalog's chain): who, which study, and what the release held and
    /// left out.
    /// </summary>
    Task RecordExportAsync(AuditActor actor, Guid studyId, ExportCounts counts, CancellationToken cancellationToken);
}

/// <summary>
/// What an export released: its rows, and what k-anonymity changed (patients held back, diagnosis codes shown as their
/// category, codes left out).
/// </summary>
public sealed record ExportCounts(int Rows, int SuppressedPatients, int GeneralizedCodes, int SuppressedCodes);

/// <summary>One access: who, what kind of record (and which one), which patients' data it showed.</summary>
public sealed record AccessRecord(
    AuditActor Actor,
    AuditAction Action,
    Resource Resource,
    string? ResourceId,
    IReadOnlyList<Guid> PatientIds)
{
    /// <summary>
    /// What the reader asked for, kept with the entry as its changes (name, no old value, the value asked): the filters
    /// of an audit-trail query. Empty for the read of a record, whose id says it all.
    /// </summary>
    public IReadOnlyList<AuditChange> Query { get; init; } = [];
}
