using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Audit;

/// <summary>
/// Records who looked at which patients' data (HIPAA 164.312(b)). <see cref="RecordAsync"/> returns once the entry is
/// durable, so a service that awaits it before returning data never shows a record whose access went unrecorded.
/// </summary>
public interface IAccessLog
{
    Task RecordAsync(AccessRecord access, CancellationToken cancellationToken);

    /// <summary>Records an anonymized export of a study (in the catalog's chain): who, which study, how many rows.</summary>
    Task RecordExportAsync(AuditActor actor, Guid studyId, int rows, int suppressedPatients, CancellationToken cancellationToken);
}

/// <summary>One access: who, what kind of record (and which one), which patients' data it showed.</summary>
public sealed record AccessRecord(
    AuditActor Actor,
    AuditAction Action,
    Resource Resource,
    string? ResourceId,
    IReadOnlyList<Guid> PatientIds);
