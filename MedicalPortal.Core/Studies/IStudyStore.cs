namespace MedicalPortal.Core.Studies;

/// <summary>Studies, in the catalog. Callers have already authorized.</summary>
public interface IStudyStore
{
    Task<IReadOnlyList<StudyDto>> ListAsync(CancellationToken cancellationToken);

    Task<StudyDto?> FindAsync(Guid id, CancellationToken cancellationToken);

    Task<StudyDto> AddAsync(MedicalStudy study, CancellationToken cancellationToken);

    Task<StudyDto> UpdateAsync(Guid id, int expectedVersion, StudyInput input, DateTimeOffset now, CancellationToken cancellationToken);

    Task DeleteAsync(Guid id, int? expectedVersion, CancellationToken cancellationToken);
}
