using MedicalPortal.Core.Audit;

namespace MedicalPortal.Core.Studies;

/// <summary>Enrollments, on their patient's shard. Callers have already authorized; every change names its actor.</summary>
public interface IEnrollmentStore
{
    Task<EnrollmentDto?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>A study's enrollments on every shard, oldest consent first; or only one patient's.</summary>
    Task<IReadOnlyList<EnrollmentDto>> ListForStudyAsync(Guid studyId, Guid? onlyPatientId, CancellationToken cancellationToken);

    /// <summary>A patient's enrollments in every study.</summary>
    Task<IReadOnlyList<EnrollmentDto>> ListForPatientAsync(Guid patientId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new enrollment unless the patient already has an active one in that study (then returns that one).
    /// Throws <see cref="Records.RecordNotFoundException"/> if the patient is gone.
    /// </summary>
    Task<EnrollmentDto> AddAsync(AuditActor actor, Enrollment enrollment, CancellationToken cancellationToken);

    /// <summary>Corrects the consent date; throws <see cref="Records.ConcurrencyConflictException"/> on a stale version.</summary>
    Task<EnrollmentDto> CorrectConsentAsync(
        AuditActor actor, Guid id, int? expectedVersion, DateTimeOffset? consentedAt, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records the withdrawal; withdrawing twice changes nothing.</summary>
    Task<EnrollmentDto> WithdrawAsync(AuditActor actor, Guid id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>How many enrollments (active or withdrawn) a study has, over all shards.</summary>
    Task<int> CountForStudyAsync(Guid studyId, CancellationToken cancellationToken);

    /// <summary>Every study's consents in force and withdrawn, counted on every shard.</summary>
    Task<ConsentCounts> CountsByStudyAsync(CancellationToken cancellationToken);
}
