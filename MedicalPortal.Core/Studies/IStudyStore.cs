using MedicalPortal.Core.Audit;

namespace MedicalPortal.Core.Studies;

/// <summary>Studies, in the catalog. Callers have already authorized; every change names its actor.</summary>
public interface IStudyStore
{
    Task<IReadOnlyList<StudyDto>> ListAsync(CancellationToken cancellationToken);

    Task<StudyDto?> FindAsync(Guid id, CancellationToken cancellationToken);

    Task<StudyDto> AddAsync(AuditActor actor, MedicalStudy study, CancellationToken cancellationToken);

    Task<StudyDto> UpdateAsync(AuditActor actor, Guid id, int expectedVersion, StudyInput input, DateTimeOffset now, CancellationToken cancellationToken);

    Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken);
}
