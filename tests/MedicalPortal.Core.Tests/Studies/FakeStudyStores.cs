using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Studies;

namespace MedicalPortal.Core.Tests.Studies;

/// <summary>Studies in memory, for services that only look them up.</summary>
internal sealed class FakeStudyStore : IStudyStore
{
    private readonly Dictionary<Guid, StudyDto> _studies = [];

    public StudyDto Seed(StudyStatus status)
    {
        var study = MedicalStudy.Create(TestStudies.ValidInput() with { Status = status }, Patients.TestPatients.Now).ToDto();
        _studies.Add(study.Id, study);
        return study;
    }

    public Task<IReadOnlyList<StudyDto>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StudyDto>>([.. _studies.Values]);

    public Task<StudyDto?> FindAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(_studies.GetValueOrDefault(id));

    public Task<StudyDto> AddAsync(AuditActor actor, MedicalStudy study, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<StudyDto> UpdateAsync(
        AuditActor actor, Guid id, int expectedVersion, StudyInput input, DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

/// <summary>Enrollments in memory, keeping the entities so that a test sees exactly what a service stored.</summary>
internal sealed class FakeEnrollmentStore : IEnrollmentStore
{
    private readonly Dictionary<Guid, Enrollment> _enrollments = [];

    public IReadOnlyCollection<Enrollment> Stored => _enrollments.Values;

    public Enrollment Seed(Enrollment enrollment)
    {
        _enrollments.Add(enrollment.Id, enrollment);
        return enrollment;
    }

    public Task<EnrollmentDto?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        Task.FromResult(_enrollments.GetValueOrDefault(id)?.ToDto());

    public Task<IReadOnlyList<EnrollmentDto>> ListForStudyAsync(Guid studyId, Guid? onlyPatientId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EnrollmentDto>>(
        [
            .. _enrollments.Values
                .Where(e => e.StudyId == studyId && (onlyPatientId is null || e.PatientId == onlyPatientId))
                .OrderBy(e => e.ConsentedAt)
                .Select(e => e.ToDto()),
        ]);

    public Task<IReadOnlyList<EnrollmentDto>> ListForPatientAsync(Guid patientId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EnrollmentDto>>([.. _enrollments.Values.Where(e => e.PatientId == patientId).Select(e => e.ToDto())]);

    public Task<EnrollmentDto> AddAsync(AuditActor actor, Enrollment enrollment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(enrollment);
        _enrollments.Add(enrollment.Id, enrollment);
        return Task.FromResult(enrollment.ToDto());
    }

    public Task<EnrollmentDto> CorrectConsentAsync(
        AuditActor actor, Guid id, int? expectedVersion, DateTimeOffset? consentedAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var enrollment = _enrollments.GetValueOrDefault(id) ?? throw new RecordNotFoundException(Core.Permissions.Resource.Enrollment);
        enrollment.CorrectConsent(consentedAt, now);
        return Task.FromResult(enrollment.ToDto());
    }

    public Task<EnrollmentDto> WithdrawAsync(AuditActor actor, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var enrollment = _enrollments.GetValueOrDefault(id) ?? throw new RecordNotFoundException(Core.Permissions.Resource.Enrollment);
        enrollment.Withdraw(now);
        return Task.FromResult(enrollment.ToDto());
    }

    public Task<int> CountForStudyAsync(Guid studyId, CancellationToken cancellationToken) =>
        Task.FromResult(_enrollments.Values.Count(e => e.StudyId == studyId));

    public Task<ConsentCounts> CountsByStudyAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ConsentCounts(
            _enrollments.Values.GroupBy(e => e.StudyId).ToDictionary(
                g => g.Key, g => new StudyConsents(g.Count(e => e.IsActive), g.Count(e => !e.IsActive))),
            []));
}
