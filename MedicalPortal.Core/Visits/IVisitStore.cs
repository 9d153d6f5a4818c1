using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;

namespace MedicalPortal.Core.Visits;

/// <summary>Visits, on their patient's shard. Callers have already authorized; every change names its actor.</summary>
public interface IVisitStore
{
    Task<VisitDto?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>A patient's visits, newest first; null when the patient does not exist.</summary>
    Task<Page<VisitDto>?> ListForPatientAsync(
        Guid patientId, string? cursor, int limit, CancellationToken cancellationToken);

    /// <summary>Stores a new visit; throws <see cref="Records.RecordNotFoundException"/> if its patient is gone.</summary>
    Task<VisitDto> AddAsync(AuditActor actor, Visit visit, CancellationToken cancellationToken);

    Task<VisitDto> UpdateAsync(
        AuditActor actor, Guid id, int expectedVersion, DateOnly patientBirthDate, VisitInput input, DateTimeOffset now,
        CancellationToken cancellationToken);

    Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// The visits first stored in [<paramref name="from"/>, <paramref name="to"/>) on every shard: how many, and the
    /// newest <paramref name="limit"/> of them with their patients. A shard that does not answer is named, not counted.
    /// </summary>
    Task<RecordedVisits> RecordedBetweenAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);
}
