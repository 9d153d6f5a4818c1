using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Tests.Patients;
using MedicalPortal.Core.Tests.Permissions;
using MedicalPortal.Core.Tests.Visits;
using MedicalPortal.Core.Visits;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Core.Tests.Audit;

/// <summary>What the services tell the audit trail: who acts on writes, which patients each read showed.</summary>
public sealed class ServiceAuditTests
{
    private readonly FakePatientStore _patients = new();
    private readonly FakeAuditTrail _audit = new();
    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private readonly PatientService _patientService;
    private readonly VisitService _visitService;

    public ServiceAuditTests()
    {
        var access = new AccessControl(new FakePermissionStore());
        _patientService = new PatientService(_patients, access, _audit, _clock);
        _visitService = new VisitService(new FakeVisitStore(_patients), _patients, access, _audit, _clock);
    }

    [Fact]
    public async Task GetAsync_PermittedRead_IsInTheAccessLogWithItsPatient()
    {
        // Arrange
        var patient = _patients.Seed(TestPatients.Registered());
        var doctor = TestUser.InRoles(RoleNames.Doctor);

        // Act
        await _patientService.GetAsync(doctor, patient.Id, CancellationToken.None);

        // Assert
        var access = Assert.Single(_audit.Accesses);
        Assert.Equal(AuditAction.Read, access.Action);
        Assert.Equal(Resource.Patient, access.Resource);
        Assert.Equal([patient.Id], access.PatientIds);
        Assert.Equal(new AuditActor(doctor.AccountId, doctor.UserName!), access.Actor);
    }

    [Fact]
    public async Task GetAsync_RefusedOrMissing_RecordsNoAccess()
    {
        // Arrange
        var patient = _patients.Seed(TestPatients.Registered());

        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            _patientService.GetAsync(TestUser.InRoles(RoleNames.Researcher), patient.Id, CancellationToken.None));
        await Assert.ThrowsAsync<Records.RecordNotFoundException>(() =>
            _patientService.GetAsync(TestUser.InRoles(RoleNames.Doctor), Guid.CreateVersion7(), CancellationToken.None));

        // Assert
        Assert.Empty(_audit.Accesses);
    }

    [Fact]
    public async Task SearchAsync_ResultsShown_NameEveryPatientOfThePage()
    {
        // Arrange
        var first = _patients.Seed(TestPatients.Registered("M1234567897"));
        var second = _patients.Seed(TestPatients.Registered("M0000000000"));

        // Act
        var page = await _patientService.SearchAsync(
            TestUser.InRoles(RoleNames.Nurse), PatientSearch.Parse(null, null, 10), CancellationToken.None);

        // Assert
        var access = Assert.Single(_audit.Accesses);
        Assert.Equal(page.Items.Select(p => p.Id).Order(), access.PatientIds.Order());
        Assert.Equal(new[] { first.Id, second.Id }.Order(), access.PatientIds.Order());
    }

    [Fact]
    public async Task UpdateAsync_Change_IsAttributedToTheCaller()
    {
        // Arrange
        var patient = _patients.Seed(TestPatients.Registered());
        var receptionist = TestUser.InRoles(RoleNames.Receptionist);

        // Act
        await _patientService.UpdateAsync(receptionist, patient.Id, TestPatients.ValidInput() with { Phone = "555 010 3333" }, 1, CancellationToken.None);

        // Assert
        Assert.Equal([new AuditActor(receptionist.AccountId, receptionist.UserName!)], _patients.Actors);
    }

    [Fact]
    public async Task GetVisitAsync_PermittedRead_IsInTheAccessLogWithTheVisitsPatient()
    {
        // Arrange
        var patient = _patients.Seed(TestPatients.Registered());
        var nurse = TestUser.InRoles(RoleNames.Nurse);
        var visit = await _visitService.RecordAsync(nurse, patient.Id, TestVisits.ValidInput(), CancellationToken.None);
        _audit.Accesses.Clear();

        // Act
        await _visitService.GetAsync(nurse, visit.Id, CancellationToken.None);

        // Assert
        var access = Assert.Single(_audit.Accesses);
        Assert.Equal(Resource.Visit, access.Resource);
        Assert.Equal(visit.Id.ToString(), access.ResourceId);
        Assert.Equal([patient.Id], access.PatientIds);
    }
}
