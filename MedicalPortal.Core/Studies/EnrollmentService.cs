using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Studies;

/// <summary>
/// Consent to studies. Clinicians enroll patients; a patient consents or withdraws for their own record only.
/// Every operation authorizes first.
/// </summary>
public sealed class EnrollmentService(
    IEnrollmentStore enrollments,
    IStudyStore studies,
    IPatientStore patients,
    AccessControl access,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<EnrollmentDto>> ListForStudyAsync(
        ICurrentUser user, Guid studyId, CancellationToken cancellationToken)
    {
        var scope = await access.DemandAsync(user, Resource.Enrollment, Operations.Retrieve, cancellationToken);
        _ = await studies.FindAsync(studyId, cancellationToken) ?? throw new RecordNotFoundException(Resource.MedicalStudy);
        var onlyPatient = scope == AccessScope.OwnPatientRecord ? user.PatientId : null;
        return await enrollments.ListForStudyAsync(studyId, onlyPatient, cancellationToken);
    }

    public async Task<IReadOnlyList<EnrollmentDto>> ListForPatientAsync(
        ICurrentUser user, Guid patientId, CancellationToken cancellationToken)
    {
        await access.DemandForPatientAsync(user, Resource.Enrollment, Operations.Retrieve, patientId, cancellationToken);
        return await enrollments.ListForPatientAsync(patientId, cancellationToken);
    }

    public async Task<EnrollmentDto> GetAsync(ICurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        var scope = await access.DemandAsync(user, Resource.Enrollment, Operations.Retrieve, cancellationToken);
        var enrollment = await enrollments.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.Enrollment);
        AccessControl.EnsureWithinScope(user, scope, Resource.Enrollment, enrollment.PatientId);
        return enrollment;
    }

    /// <summary>Enrolls a patient who consented on <paramref name="consentedAt"/>; enrolling twice returns the active enrollment.</summary>
    public async Task<EnrollmentDto> EnrollAsync(
        ICurrentUser user, Guid studyId, Guid? patientId, DateTimeOffset? consentedAt, CancellationToken cancellationToken)
    {
        if (patientId is not { } patient)
        {
            await access.DemandAsync(user, Resource.Enrollment, Operations.Create, cancellationToken);
            throw new ValidationFailedException("patientId", "Name the patient who consented.");
        }

        await access.DemandForPatientAsync(user, Resource.Enrollment, Operations.Create, patient, cancellationToken);
        var study = await studies.FindAsync(studyId, cancellationToken) ?? throw new RecordNotFoundException(Resource.MedicalStudy);
        if (study.Status is not (StudyStatus.Recruiting or StudyStatus.Active))
        {
            throw new ValidationFailedException("studyId", study.Status == StudyStatus.Closed
                ? "This study is closed and takes no new participants."
                : "This study is not recruiting yet.");
        }

        _ = await patients.FindAsync(patient, cancellationToken) ?? throw new RecordNotFoundException(Resource.Patient);
        var enrollment = Enrollment.Consent(studyId, patient, consentedAt, clock.GetUtcNow());
        return await enrollments.AddAsync(AuditActor.Of(user), enrollment, cancellationToken);
    }

    /// <summary>Corrects the date of consent recorded for an enrollment.</summary>
    public async Task<EnrollmentDto> CorrectConsentAsync(
        ICurrentUser user, Guid id, DateTimeOffset? consentedAt, int? version, CancellationToken cancellationToken)
    {
        var scope = await access.DemandAsync(user, Resource.Enrollment, Operations.Update, cancellationToken);
        var enrollment = await enrollments.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.Enrollment);
        AccessControl.EnsureWithinScope(user, scope, Resource.Enrollment, enrollment.PatientId);
        return await enrollments.CorrectConsentAsync(AuditActor.Of(user), id, version, consentedAt, clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>Withdraws consent: the patient is left out of every later extraction.</summary>
    public async Task<EnrollmentDto> WithdrawAsync(ICurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        var scope = await access.DemandAsync(user, Resource.Enrollment, Operations.Delete, cancellationToken);
        var enrollment = await enrollments.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.Enrollment);
        AccessControl.EnsureWithinScope(user, scope, Resource.Enrollment, enrollment.PatientId);
        return await enrollments.WithdrawAsync(AuditActor.Of(user), id, clock.GetUtcNow(), cancellationToken);
    }
}
