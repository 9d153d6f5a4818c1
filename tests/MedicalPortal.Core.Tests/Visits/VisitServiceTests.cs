using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Tests.Audit;
using MedicalPortal.Core.Tests.Patients;
using MedicalPortal.Core.Tests.Permissions;
using MedicalPortal.Core.Tests.Validation;
using MedicalPortal.Core.Visits;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Core.Tests.Visits;

public sealed class VisitServiceTests
{
    private static readonly TestUser Doctor = TestUser.InRoles(RoleNames.Doctor);
    private static readonly TestUser Nurse = TestUser.InRoles(RoleNames.Nurse);

    private readonly FakePatientStore _patients = new();
    private readonly FakeVisitStore _visits;
    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private readonly FakeAuditTrail _audit = new();
    private readonly VisitService _service;
    private readonly Patient _patient;
    private readonly Patient _otherPatient;

    public VisitServiceTests()
    {
        _visits = new FakeVisitStore(_patients);
        _service = new VisitService(_visits, _patients, new AccessControl(new FakePermissionStore()), _audit, _clock);
        _patient = _patients.Seed(TestPatients.Registered("M1234567897"));
        _otherPatient = _patients.Seed(TestPatients.Registered("M0000000000"));
    }

    private int StoreCalls => _patients.Calls + _visits.Calls;

    [Fact]
    public async Task RecordAsync_Unauthenticated_ThrowsBeforeTouchingAnyStore()
    {
        // Act
        var exception = await Assert.ThrowsAsync<AccessDeniedException>(
            () => _service.RecordAsync(TestUser.Anonymous, _patient.Id, TestVisits.ValidInput(), CancellationToken.None));

        // Assert
        Assert.False(exception.IsAuthenticated);
        Assert.Equal(0, StoreCalls);
    }

    [Theory]
    [InlineData(RoleNames.Receptionist)]
    [InlineData(RoleNames.Researcher)]
    public async Task RecordAsync_RoleWithoutCreate_ThrowsBeforeTouchingAnyStore(string role)
    {
        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(
            () => _service.RecordAsync(TestUser.InRoles(role), _patient.Id, TestVisits.ValidInput(), CancellationToken.None));

        // Assert
        Assert.Equal(0, StoreCalls);
    }

    [Fact]
    public async Task RecordAsync_PatientRoleOwnRecord_IsDeniedBecauseVisitsAreReadOnlyForPatients()
    {
        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.RecordAsync(
            TestUser.PatientAccount(_patient.Id), _patient.Id, TestVisits.ValidInput(), CancellationToken.None));

        // Assert
        Assert.Equal(0, StoreCalls);
    }

    [Fact]
    public async Task RecordAsync_InvalidInput_StoresNothing()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { TemperatureC = 50m };

        // Act
        await ValidationAssert.ThrowsAsync(
            "temperatureC", () => _service.RecordAsync(Nurse, _patient.Id, input, CancellationToken.None));

        // Assert
        Assert.Equal(0, _visits.AddCalls);
        Assert.Empty(_visits.Stored);
    }

    [Fact]
    public async Task RecordAsync_FutureVisitByTheInjectedClock_IsRefused()
    {
        // Arrange: an hour after the injected clock's now, long before the machine's.
        var input = TestVisits.ValidInput() with { StartedAt = TestPatients.Now.AddHours(1) };

        // Act
        await ValidationAssert.ThrowsAsync("startedAt", () => _service.RecordAsync(Nurse, _patient.Id, input, CancellationToken.None));

        // Assert
        Assert.Empty(_visits.Stored);
    }

    [Fact]
    public async Task RecordAsync_UnknownPatient_ThrowsNotFoundAndStoresNothing()
    {
        // Act
        var exception = await Assert.ThrowsAsync<RecordNotFoundException>(() => _service.RecordAsync(
            Doctor, Guid.CreateVersion7(TestPatients.Now), TestVisits.ValidInput(), CancellationToken.None));

        // Assert
        Assert.Equal(Resource.Patient, exception.Resource);
        Assert.Equal(0, _visits.AddCalls);
    }

    [Fact]
    public async Task RecordAsync_ValidInput_StoresAVisitCarryingThePatientsBucket()
    {
        // Act
        var dto = await _service.RecordAsync(Doctor, _patient.Id, TestVisits.ValidInput(), CancellationToken.None);

        // Assert
        var stored = Assert.Single(_visits.Stored);
        Assert.Equal(stored.Id, dto.Id);
        Assert.Equal(_patient.Id, dto.PatientId);
        Assert.Equal(1, dto.Version);
        Assert.Equal(Buckets.ForPatient(_patient.Id), Buckets.OfRecordId(dto.Id));
        Assert.Equal(TestPatients.Now, stored.CreatedAt);
    }

    [Fact]
    public async Task GetAsync_PatientRoleOwnVisit_ReturnsIt()
    {
        // Arrange
        var visit = _visits.Seed(Visit.Record(_patient.Id, _patient.BirthDate, TestVisits.ValidInput(), TestPatients.Now));

        // Act
        var dto = await _service.GetAsync(TestUser.PatientAccount(_patient.Id), visit.Id, CancellationToken.None);

        // Assert
        Assert.Equal(visit.Id, dto.Id);
    }

    [Fact]
    public async Task GetAsync_PatientRoleOtherPatientsVisit_ThrowsNotFound()
    {
        // Arrange
        var visit = _visits.Seed(Visit.Record(_otherPatient.Id, _otherPatient.BirthDate, TestVisits.ValidInput(), TestPatients.Now));

        // Act
        var exception = await Record.ExceptionAsync(
            () => _service.GetAsync(TestUser.PatientAccount(_patient.Id), visit.Id, CancellationToken.None));

        // Assert
        Assert.IsType<RecordNotFoundException>(exception);
    }

    [Fact]
    public async Task GetAsync_Unauthenticated_ThrowsBeforeTouchingAnyStore()
    {
        // Arrange
        var visit = _visits.Seed(Visit.Record(_patient.Id, _patient.BirthDate, TestVisits.ValidInput(), TestPatients.Now));

        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.GetAsync(TestUser.Anonymous, visit.Id, CancellationToken.None));

        // Assert
        Assert.Equal(0, StoreCalls);
    }

    [Fact]
    public async Task ListForPatientAsync_PatientRoleOtherPatient_ThrowsNotFoundBeforeTouchingAnyStore()
    {
        // Act
        await Assert.ThrowsAsync<RecordNotFoundException>(() => _service.ListForPatientAsync(
            TestUser.PatientAccount(_patient.Id), _otherPatient.Id, cursor: null, limit: null, CancellationToken.None));

        // Assert
        Assert.Equal(0, StoreCalls);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(201)]
    public async Task ListForPatientAsync_LimitOutOfRange_ThrowsValidationFailedBeforeTouchingAnyStore(int limit)
    {
        // Act
        await ValidationAssert.ThrowsAsync("limit", () => _service.ListForPatientAsync(
            Nurse, _patient.Id, cursor: null, limit, CancellationToken.None));

        // Assert
        Assert.Equal(0, StoreCalls);
    }

    [Fact]
    public async Task ListForPatientAsync_UnknownPatient_ThrowsNotFound()
    {
        // Act, Assert
        await Assert.ThrowsAsync<RecordNotFoundException>(() => _service.ListForPatientAsync(
            Nurse, Guid.CreateVersion7(TestPatients.Now), cursor: null, limit: null, CancellationToken.None));
    }

    [Fact]
    public async Task ListForPatientAsync_OwnRecord_ListsOnlyThatPatientsVisits()
    {
        // Arrange
        var own = _visits.Seed(Visit.Record(_patient.Id, _patient.BirthDate, TestVisits.ValidInput(), TestPatients.Now));
        _visits.Seed(Visit.Record(_otherPatient.Id, _otherPatient.BirthDate, TestVisits.ValidInput(), TestPatients.Now));

        // Act
        var page = await _service.ListForPatientAsync(
            TestUser.PatientAccount(_patient.Id), _patient.Id, cursor: null, limit: null, CancellationToken.None);

        // Assert
        Assert.Equal(own.Id, Assert.Single(page.Items).Id);
    }

    [Fact]
    public async Task UpdateAsync_RoleWithoutUpdate_ThrowsBeforeTouchingAnyStore()
    {
        // Arrange
        var visit = _visits.Seed(Visit.Record(_patient.Id, _patient.BirthDate, TestVisits.ValidInput(), TestPatients.Now));

        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.UpdateAsync(
            TestUser.InRoles(RoleNames.Receptionist), visit.Id, TestVisits.ValidInput(), 1, CancellationToken.None));

        // Assert
        Assert.Equal(0, StoreCalls);
    }

    [Fact]
    public async Task UpdateAsync_InvalidInput_StoresNothing()
    {
        // Arrange
        var visit = _visits.Seed(Visit.Record(_patient.Id, _patient.BirthDate, TestVisits.ValidInput(), TestPatients.Now));
        var input = TestVisits.ValidInput() with { Notes = "changed", Systolic = 120, Diastolic = null };

        // Act
        await ValidationAssert.ThrowsAsync("diastolic", () => _service.UpdateAsync(Nurse, visit.Id, input, 1, CancellationToken.None));

        // Assert
        Assert.Equal(0, _visits.UpdateCalls);
        Assert.Equal(1, visit.Version);
        Assert.Null(visit.Notes);
    }

    [Fact]
    public async Task UpdateAsync_ValidInput_IncrementsTheVersion()
    {
        // Arrange
        var visit = _visits.Seed(Visit.Record(_patient.Id, _patient.BirthDate, TestVisits.ValidInput(), TestPatients.Now));
        _clock.Advance(TimeSpan.FromMinutes(30));

        // Act
        var dto = await _service.UpdateAsync(Nurse, visit.Id, TestVisits.ValidInput() with { Notes = "changed" }, 1, CancellationToken.None);

        // Assert
        Assert.Equal(2, dto.Version);
        Assert.Equal("changed", dto.Notes);
        Assert.Equal(TestPatients.Now.AddMinutes(30), visit.UpdatedAt);
    }

    [Fact]
    public async Task DeleteAsync_RoleWithoutDelete_ThrowsBeforeTouchingAnyStore()
    {
        // Arrange: Nurse may create, read and update visits, not delete them.
        var visit = _visits.Seed(Visit.Record(_patient.Id, _patient.BirthDate, TestVisits.ValidInput(), TestPatients.Now));

        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.DeleteAsync(Nurse, visit.Id, 1, CancellationToken.None));

        // Assert
        Assert.Equal(0, StoreCalls);
        Assert.Single(_visits.Stored);
    }

    [Fact]
    public async Task DeleteAsync_Doctor_RemovesTheVisit()
    {
        // Arrange
        var visit = _visits.Seed(Visit.Record(_patient.Id, _patient.BirthDate, TestVisits.ValidInput(), TestPatients.Now));

        // Act
        await _service.DeleteAsync(Doctor, visit.Id, 1, CancellationToken.None);

        // Assert
        Assert.Empty(_visits.Stored);
    }
}
