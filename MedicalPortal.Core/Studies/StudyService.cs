using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Studies;

/// <summary>Medical studies: what researchers create, run and close. Every operation authorizes first.</summary>
public sealed class StudyService(
    IStudyStore studies, IEnrollmentStore enrollments, AccessControl access, TimeProvider clock)
{
    public async Task<IReadOnlyList<StudyDto>> ListAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.MedicalStudy, Operations.Retrieve, cancellationToken);
        return await studies.ListAsync(cancellationToken);
    }

    public async Task<StudyDto> GetAsync(ICurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.MedicalStudy, Operations.Retrieve, cancellationToken);
        return await studies.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.MedicalStudy);
    }

    public async Task<StudyDto> CreateAsync(ICurrentUser user, StudyInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await access.DemandAsync(user, Resource.MedicalStudy, Operations.Create, cancellationToken);
        return await studies.AddAsync(AuditActor.Of(user), MedicalStudy.Create(input, clock.GetUtcNow()), cancellationToken);
    }

    public async Task<StudyDto> UpdateAsync(
        ICurrentUser user, Guid id, StudyInput input, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await access.DemandAsync(user, Resource.MedicalStudy, Operations.Update, cancellationToken);
        StudyRules.Validate(input.Cleaned()).ThrowIfInvalid();
        return await studies.UpdateAsync(AuditActor.Of(user), id, version, input, clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>Only a study nobody was ever enrolled in can be deleted; others are closed, so their history stays.</summary>
    public async Task DeleteAsync(ICurrentUser user, Guid id, int? version, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.MedicalStudy, Operations.Delete, cancellationToken);
        _ = await studies.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.MedicalStudy);
        if (await enrollments.CountForStudyAsync(id, cancellationToken) > 0)
        {
            throw new ValidationFailedException("id", "This study has enrollments: close it instead of deleting it.");
        }

        await studies.DeleteAsync(AuditActor.Of(user), id, version, cancellationToken);
    }
}
