using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;

namespace MedicalPortal.Core.Patients;

/// <summary>
/// Patients across all shards. Implementations route by the patient id, keep MRNs unique across shards, and treat a
/// version mismatch as a <see cref="Records.ConcurrencyConflictException"/>. Callers have already authorized; every
/// change names its <see cref="AuditActor"/>, whom the audit trail records with it.
/// </summary>
public interface IPatientStore
{
    Task<PatientDto?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Stores a new patient. Throws <see cref="MrnTakenException"/> if another patient holds the MRN.</summary>
    Task<PatientDto> AddAsync(AuditActor actor, Patient patient, CancellationToken cancellationToken);

    Task<PatientDto> UpdateAsync(
        AuditActor actor, Guid id, int expectedVersion, PatientInput input, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the patient with all their visits and enrollments.</summary>
    Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken);

    /// <summary>Searches every shard and merges the results in <see cref="PatientSortKey"/> order.</summary>
    Task<Page<PatientDto>> SearchAsync(PatientSearch search, CancellationToken cancellationToken);

    /// <summary>
    /// The patients whose records were created in [<paramref name="from"/>, <paramref name="to"/>) on every shard: how
    /// many, and the newest <paramref name="limit"/>. A shard that does not answer is named, not counted.
    /// </summary>
    Task<RegisteredPatients> RegisteredBetweenAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);
}
