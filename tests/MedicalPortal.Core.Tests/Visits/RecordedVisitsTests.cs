using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Tests.Audit;
using MedicalPortal.Core.Tests.Patients;
using MedicalPortal.Core.Tests.Permissions;
using MedicalPortal.Core.Visits;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Core.Tests.Visits;

/// <summary>The day's visits and registrations across the clinic: who may see them, and what the access log records.</summary>
public sealed class RecordedVisitsTests
{
    private static readonly DateTimeOffset From = TestPatients.Now.AddHours(-12);
    private static readonly DateTimeOffset To = TestPatients.Now.AddHours(12);

    private readonly FakePatientStore _patients = new();
    private readonly FakeVisitStore _visits;
    private readonly FakeAuditTrail _audit = new();
    private readonly VisitService _visitService;
    private readonly PatientService _patientService;
    private readonly Patient _patient;

    public RecordedVisitsTests()
    {
        var access = new AccessControl(new FakePermissionStore());
        var clock = new FakeTimeProvider(TestPatients.Now);
        _visits = new FakeVisitStore(_patients);
        _visitService = new VisitService(_visits, _patients, access, _audit, clock);
        _patientService = new PatientService(_patients, access, _audit, clock);
        _patient = _patients.Seed(TestPatients.Registered());
        _visits.Seed(Visit.Record(_patient.Id, _patient.BirthDate, TestVisits.ValidInput(), TestPatients.Now));
    }

    [Theory]
    [InlineData(RoleNames.Doctor)]
    [InlineData(RoleNames.Nurse)]
    [InlineData(RoleNames.Receptionist)]
    public async Task RecordedBetweenAsync_RoleReadingEveryPatientAndVisit_GetsThemAndTheReadIsRecorded(string role)
    {
        // Act
        var recorded = await _visitService.RecordedBetweenAsync(TestUser.InRoles(role), From, To, 5, CancellationToken.None);

        // Assert
        Assert.Equal(1, recorded.Count);
        var access = Assert.Single(_audit.Accesses);
        Assert.Equal([_patient.Id], access.PatientIds);
        Assert.Null(access.ResourceId);
    }

    [Fact]
    public async Task RecordedBetweenAsync_Patient_IsRefusedBeforeAnyStore()
    {
        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            _visitService.RecordedBetweenAsync(TestUser.PatientAccount(_patient.Id), From, To, 5, CancellationToken.None));

        // Assert
        Assert.Equal(0, _visits.Calls);
        Assert.Empty(_audit.Accesses);
    }

    [Fact]
    public async Task RecordedBetweenAsync_Researcher_IsRefused()
    {
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            _visitService.RecordedBetweenAsync(TestUser.InRoles(RoleNames.Researcher), From, To, 5, CancellationToken.None));
        Assert.Equal(0, _visits.Calls);
    }

    [Fact]
    public async Task RegisteredBetweenAsync_FrontDesk_GetsTodaysPatientsAndTheReadIsRecorded()
    {
        // Act
        var registered = await _patientService.RegisteredBetweenAsync(TestUser.InRoles(RoleNames.Receptionist), From, To, 5, CancellationToken.None);

        // Assert
        Assert.Equal([_patient.Id], registered.Newest.Select(p => p.Patient.Id));
        Assert.Equal([_patient.Id], Assert.Single(_audit.Accesses).PatientIds);
    }

    [Theory]
    [InlineData(RoleNames.Researcher)]
    [InlineData(RoleNames.Patient)]
    public async Task RegisteredBetweenAsync_RoleNotReadingEveryPatient_IsRefused(string role)
    {
        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            _patientService.RegisteredBetweenAsync(TestUser.InRoles(role), From, To, 5, CancellationToken.None));

        // Assert
        Assert.Equal(0, _patients.Calls);
        Assert.Empty(_audit.Accesses);
    }
}
