using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Tests.Audit;
using MedicalPortal.Core.Tests.Patients;
using MedicalPortal.Core.Tests.Permissions;
using MedicalPortal.Core.Tests.Validation;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Core.Tests.Studies;

/// <summary>
/// Consent as <see cref="EnrollmentService"/> records it: a patient's own consent is dated by the server, staff date a
/// paper consent; and every read that shows who takes part in which study is in the access log.
/// </summary>
public sealed class EnrollmentServiceTests
{
    private static readonly DateTimeOffset Now = TestPatients.Now;

    private readonly FakePatientStore _patients = new();
    private readonly FakeStudyStore _studies = new();
    private readonly FakeEnrollmentStore _enrollments = new();
    private readonly FakeAuditTrail _audit = new();
    private readonly EnrollmentService _service;

    public EnrollmentServiceTests()
    {
        var access = new AccessControl(new FakePermissionStore(Matrix()));
        _service = new EnrollmentService(_enrollments, _studies, _patients, access, _audit, new FakeTimeProvider(Now));
    }

    [Fact]
    public async Task EnrollAsync_PatientBackdatesOwnConsent_ServerTimeIsRecorded()
    {
        // Arrange
        var patient = _patients.Seed(TestPatients.Registered());
        var study = _studies.Seed(StudyStatus.Recruiting);
        var self = TestUser.PatientAccount(patient.Id);

        // Act
        var enrollment = await _service.EnrollAsync(self, study.Id, patient.Id, Now.AddYears(-3), CancellationToken.None);

        // Assert
        Assert.Equal(Now, enrollment.ConsentedAt);
        Assert.Equal(Now, Assert.Single(_enrollments.Stored).ConsentedAt);
    }

    [Fact]
    public async Task EnrollAsync_PatientSendsNoDate_ServerTimeIsRecorded()
    {
        // Arrange
        var patient = _patients.Seed(TestPatients.Registered());
        var study = _studies.Seed(StudyStatus.Active);

        // Act
        var enrollment = await _service.EnrollAsync(TestUser.PatientAccount(patient.Id), study.Id, patient.Id, consentedAt: null, CancellationToken.None);

        // Assert
        Assert.Equal(Now, enrollment.ConsentedAt);
    }

    [Fact]
    public async Task EnrollAsync_StaffRecordsPaperConsent_KeepsTheDateItWasSigned()
    {
        // Arrange
        var patient = _patients.Seed(TestPatients.Registered());
        var study = _studies.Seed(StudyStatus.Recruiting);
        var signed = Now.AddDays(-12);

        // Act
        var enrollment = await _service.EnrollAsync(TestUser.InRoles(RoleNames.Doctor), study.Id, patient.Id, signed, CancellationToken.None);

        // Assert
        Assert.Equal(signed, enrollment.ConsentedAt);
    }

    [Fact]
    public async Task EnrollAsync_StaffDatesConsentInTheFuture_RefusedAndNothingStored()
    {
        // Arrange
        var patient = _patients.Seed(TestPatients.Registered());
        var study = _studies.Seed(StudyStatus.Recruiting);

        // Act, Assert
        await ValidationAssert.ThrowsAsync("consentedAt", () =>
            _service.EnrollAsync(TestUser.InRoles(RoleNames.Doctor), study.Id, patient.Id, Now.AddDays(1), CancellationToken.None));
        Assert.Empty(_enrollments.Stored);
    }

    [Fact]
    public async Task CorrectConsentAsync_PatientOnOwnConsent_RefusedAndTheDateKept()
    {
        // Arrange: a matrix where the Patient role may update its own enrollments.
        var patient = _patients.Seed(TestPatients.Registered());
        var own = _enrollments.Seed(Enrollment.Consent(Guid.CreateVersion7(), patient.Id, Now, Now));

        // Act, Assert
        await ValidationAssert.ThrowsAsync("consentedAt", () =>
            _service.CorrectConsentAsync(TestUser.PatientAccount(patient.Id), own.Id, Now.AddYears(-1), own.Version, CancellationToken.None));
        Assert.Equal(Now, own.ConsentedAt);
        Assert.Equal(1, own.Version);
    }

    [Fact]
    public async Task CorrectConsentAsync_Staff_CorrectsTheDate()
    {
        // Arrange
        var patient = _patients.Seed(TestPatients.Registered());
        var enrollment = _enrollments.Seed(Enrollment.Consent(Guid.CreateVersion7(), patient.Id, Now, Now));

        // Act
        var corrected = await _service.CorrectConsentAsync(
            TestUser.InRoles(RoleNames.Doctor), enrollment.Id, Now.AddDays(-2), enrollment.Version, CancellationToken.None);

        // Assert
        Assert.Equal(Now.AddDays(-2), corrected.ConsentedAt);
    }

    [Fact]
    public async Task ListForStudyAsync_Staff_RecordsAReadOfEveryListedPatient()
    {
        // Arrange
        var study = _studies.Seed(StudyStatus.Active);
        var first = _enrollments.Seed(Enrollment.Consent(study.Id, Guid.CreateVersion7(), Now.AddDays(-2), Now));
        var second = _enrollments.Seed(Enrollment.Consent(study.Id, Guid.CreateVersion7(), Now.AddDays(-1), Now));
        _enrollments.Seed(Enrollment.Consent(Guid.CreateVersion7(), Guid.CreateVersion7(), Now, Now)); // another study
        var nurse = TestUser.InRoles(RoleNames.Nurse);

        // Act
        var listed = await _service.ListForStudyAsync(nurse, study.Id, CancellationToken.None);

        // Assert
        Assert.Equal(2, listed.Count);
        var access = Assert.Single(_audit.Accesses);
        Assert.Equal((AuditAction.Read, Resource.Enrollment, study.Id.ToString("D")), (access.Action, access.Resource, access.ResourceId));
        Assert.Equal(new[] { first.PatientId, second.PatientId }.Order(), access.PatientIds.Order());
        Assert.Equal(AuditActor.Of(nurse), access.Actor);
    }

    [Fact]
    public async Task ListForStudyAsync_PatientSeesOwnEnrollment_RecordsOnlyThemselves()
    {
        // Arrange
        var study = _studies.Seed(StudyStatus.Active);
        var own = _enrollments.Seed(Enrollment.Consent(study.Id, Guid.CreateVersion7(), Now, Now));
        _enrollments.Seed(Enrollment.Consent(study.Id, Guid.CreateVersion7(), Now, Now));

        // Act
        await _service.ListForStudyAsync(TestUser.PatientAccount(own.PatientId), study.Id, CancellationToken.None);

        // Assert
        Assert.Equal([own.PatientId], Assert.Single(_audit.Accesses).PatientIds);
    }

    [Fact]
    public async Task ListForStudyAsync_NobodyEnrolled_RecordsNothing()
    {
        // Arrange
        var study = _studies.Seed(StudyStatus.Recruiting);

        // Act
        await _service.ListForStudyAsync(TestUser.InRoles(RoleNames.Doctor), study.Id, CancellationToken.None);

        // Assert
        Assert.Empty(_audit.Accesses);
    }

    [Fact]
    public async Task ListForPatientAsync_PatientsConsents_RecordedAsAReadOfThatPatient()
    {
        // Arrange
        var patient = _patients.Seed(TestPatients.Registered());
        _enrollments.Seed(Enrollment.Consent(Guid.CreateVersion7(), patient.Id, Now, Now));
        _enrollments.Seed(Enrollment.Consent(Guid.CreateVersion7(), patient.Id, Now, Now));

        // Act
        var listed = await _service.ListForPatientAsync(TestUser.InRoles(RoleNames.Doctor), patient.Id, CancellationToken.None);

        // Assert
        Assert.Equal(2, listed.Count);
        var access = Assert.Single(_audit.Accesses);
        Assert.Equal((AuditAction.Read, Resource.Enrollment, (string?)null), (access.Action, access.Resource, access.ResourceId));
        Assert.Equal([patient.Id], access.PatientIds);
    }

    [Fact]
    public async Task GetAsync_OneEnrollment_RecordedWithItsIdAndPatient()
    {
        // Arrange
        var enrollment = _enrollments.Seed(Enrollment.Consent(Guid.CreateVersion7(), Guid.CreateVersion7(), Now, Now));

        // Act
        await _service.GetAsync(TestUser.InRoles(RoleNames.Nurse), enrollment.Id, CancellationToken.None);

        // Assert
        var access = Assert.Single(_audit.Accesses);
        Assert.Equal(enrollment.Id.ToString("D"), access.ResourceId);
        Assert.Equal([enrollment.PatientId], access.PatientIds);
    }

    [Fact]
    public async Task Reads_RefusedOrOutsideTheOwnRecord_RecordNothing()
    {
        // Arrange
        var study = _studies.Seed(StudyStatus.Active);
        var others = _enrollments.Seed(Enrollment.Consent(study.Id, Guid.CreateVersion7(), Now, Now));
        var patient = TestUser.PatientAccount(Guid.CreateVersion7());

        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            _service.ListForStudyAsync(TestUser.InRoles(RoleNames.Researcher), study.Id, CancellationToken.None));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => _service.GetAsync(patient, others.Id, CancellationToken.None));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => _service.ListForPatientAsync(patient, others.PatientId, CancellationToken.None));

        // Assert
        Assert.Empty(_audit.Accesses);
    }

    /// <summary>The default matrix, with the Patient role also allowed to update its own enrollments.</summary>
    private static PermissionMatrix Matrix() => new(RoleNames.Seeded.ToDictionary(
        role => role,
        role => (IReadOnlyDictionary<Resource, Operations>)Enum.GetValues<Resource>().ToDictionary(
            resource => resource,
            resource => DefaultPermissions.Matrix.Granted(role, resource)
                | (role == RoleNames.Patient && resource == Resource.Enrollment ? Operations.Update : Operations.None))));
}
