using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Studies;

/// <summary>
/// Consent to studies. Clinicians enroll patients; a patient consents or withdraws for their own record only.
/// Every operation authorizes first. Who takes part in which study is patient data: every read that shows
/// enrollments is in the audit trail with the patients it showed, before it returns.
/// </summary>
public sealed class EnrollmentService(
    IEnrollmentStore enrollments,
    IStudyStore studies,
    IPatientStore patients,
    AccessControl access,
    IAccessLog accessLog,
    TimeProvider clock)
{
    /// <summary>A study's enrollments (a patient sees only their own), recorded as a read of every patient listed.</summary>
    public async Task<IReadOnlyList<EnrollmentDto>> ListForStudyAsync(
        ICurrentUser user, Guid studyId, CancellationToken cancellationToken)
    {
        var scope = await access.DemandAsync(user, Resource.Enrollment, Operations.Retrieve, cancellationToken);
        _ = await studies.FindAsync(studyId, cancellationToken) ?? throw new RecordNotFoundException(Resource.MedicalStudy);
        var onlyPatient = scope == AccessScope.OwnPatientRecord ? user.PatientId : null;
        var listed = await enrollments.ListForStudyAsync(studyId, onlyPatient, cancellationToken);
        await RecordReadAsync(user, studyId.ToString("D"), listed, cancellationToken);
        return listed;
    }

    /// <summary>A patient's consents to every study, recorded as a read of that patient.</summary>
    public async Task<IReadOnlyList<EnrollmentDto>> ListForPatientAsync(
        ICurrentUser user, Guid patientId, CancellationToken cancellationToken)
    {
        await access.DemandForPatientAsync(user, Resource.Enrollment, Operations.Retrieve, patientId, cancellationToken);
        var listed = await enrollments.ListForPatientAsync(patientId, cancellationToken);
        await RecordReadAsync(user, resourceId: null, listed, cancellationToken);
        return listed;
    }

    public async Task<EnrollmentDto> GetAsync(ICurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        var scope = await access.DemandAsync(user, Resource.Enrollment, Operations.Retrieve, cancellationToken);
        var enrollment = await enrollments.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.Enrollment);
        AccessControl.EnsureWithinScope(user, scope, Resource.Enrollment, enrollment.PatientId);
        await RecordReadAsync(user, id.ToString("D"), [enrollment], cancellationToken);
        return enrollment;
    }

    /// <summary>
    /// Enrolls a patient who consented on <paramref name="consentedAt"/>; enrolling twice returns the active enrollment.
    /// A patient consenting for themselves consents now: the server's time is recorded and <paramref name="consentedAt"/>
    /// ignored, so nobody can backdate their own consent. Staff recording a consent form give the date it was signed.
    /// </summary>
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
        var now = clock.GetUtcNow();
        var enrollment = Enrollment.Consent(studyId, patient, IsOwn(user, patient) ? now : consentedAt, now);
        return await enrollments.AddAsync(AuditActor.Of(user), enrollment, cancellationToken);
    }

    /// <summary>
    /// Corrects the date of consent recorded for an enrollment (a consent form transcribed wrongly). Not of one's own
    /// consent: it was dated by the server when it was given, and a patient could otherwise backdate it after all.
    /// </summary>
    public async Task<EnrollmentDto> CorrectConsentAsync(
        ICurrentUser user, Guid id, DateTimeOffset? consentedAt, int? version, CancellationToken cancellationToken)
    {
        var scope = await access.DemandAsync(user, Resource.Enrollment, Operations.Update, cancellationToken);
        var enrollment = await enrollments.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.Enrollment);
        AccessControl.EnsureWithinScope(user, scope, Resource.Enrollment, enrollment.PatientId);
        if (IsOwn(user, enrollment.PatientId))
        {
            throw new ValidationFailedException("consentedAt",
                "Your consent is dated when you gave it. Only the clinic corrects the date of a consent form signed on paper.");
        }

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

    /// <summary>Whether <paramref name="patientId"/> is the patient record of the caller's own account.</summary>
    private static bool IsOwn(ICurrentUser user, Guid patientId) => user.PatientId == patientId;

    /// <summary>Records that <paramref name="user"/> was shown <paramref name="shown"/>, naming their patients; waits until it is durable.</summary>
    private Task RecordReadAsync(ICurrentUser user, string? resourceId, IReadOnlyList<EnrollmentDto> shown, CancellationToken cancellationToken) =>
        shown.Count == 0
            ? Task.CompletedTask
            : accessLog.RecordAsync(
                new AccessRecord(AuditActor.Of(user), AuditAction.Read, Resource.Enrollment, resourceId, [.. shown.Select(e => e.PatientId).Distinct()]),
                cancellationToken);
}
