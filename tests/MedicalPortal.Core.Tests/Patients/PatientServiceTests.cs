using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Tests.Audit;
using MedicalPortal.Core.Tests.Permissions;
using MedicalPortal.Core.Tests.Validation;
using MedicalPortal.Core.Validation;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Core.Tests.Patients;

public sealed class PatientServiceTests
{
    private static readonly TestUser Receptionist = TestUser.InRoles(RoleNames.Receptionist);
    private static readonly TestUser Nurse = TestUser.InRoles(RoleNames.Nurse);

    private readonly FakePatientStore _store = new();
    private readonly FakeAuditTrail _audit = new();
    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private readonly PatientService _service;

    public PatientServiceTests()
    {
        _service = new PatientService(_store, new AccessControl(new FakePermissionStore()), _audit, _clock);
    }

    [Fact]
    public async Task RegisterAsync_Unauthenticated_ThrowsBeforeTouchingTheStore()
    {
        // Act
        var exception = await Assert.ThrowsAsync<AccessDeniedException>(
            () => _service.RegisterAsync(TestUser.Anonymous, TestPatients.ValidInput(), CancellationToken.None));

        // Assert
        Assert.False(exception.IsAuthenticated);
        Assert.Equal(0, _store.Calls);
    }

    [Theory]
    [InlineData(RoleNames.Nurse)]
    [InlineData(RoleNames.Researcher)]
    [InlineData(RoleNames.Patient)]
    public async Task RegisterAsync_RoleWithoutCreate_ThrowsBeforeTouchingTheStore(string role)
    {
        // Arrange
        var user = TestUser.InRoles(role) with { PatientId = Guid.CreateVersion7(TestPatients.Now) };

        // Act
        var exception = await Assert.ThrowsAsync<AccessDeniedException>(
            () => _service.RegisterAsync(user, TestPatients.ValidInput(), CancellationToken.None));

        // Assert
        Assert.True(exception.IsAuthenticated);
        Assert.Equal(0, _store.Calls);
    }

    [Fact]
    public async Task RegisterAsync_DeniedWithInvalidInput_ReportsTheDenialNotTheInput()
    {
        // Act, Assert: authorization comes first, so an unauthorized caller learns nothing about the rules.
        await Assert.ThrowsAsync<AccessDeniedException>(
            () => _service.RegisterAsync(Nurse, new PatientInput(), CancellationToken.None));
        Assert.Equal(0, _store.Calls);
    }

    [Fact]
    public async Task RegisterAsync_InvalidInput_StoresNothing()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Email = "canary-xyz@@" };

        // Act
        await ValidationAssert.ThrowsAsync("email", () => _service.RegisterAsync(Receptionist, input, CancellationToken.None));

        // Assert
        Assert.Equal(0, _store.Calls);
        Assert.Empty(_store.Stored);
    }

    [Fact]
    public async Task RegisterAsync_InvalidUserSuppliedMrn_StoresNothing()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Mrn = "-X" };

        // Act
        await ValidationAssert.ThrowsAsync("mrn", () => _service.RegisterAsync(Receptionist, input, CancellationToken.None));

        // Assert
        Assert.Equal(0, _store.Calls);
    }

    [Fact]
    public async Task RegisterAsync_NoMrn_StoresPatientUnderAServerAssignedMrn()
    {
        // Act
        var dto = await _service.RegisterAsync(Receptionist, TestPatients.ValidInput(), CancellationToken.None);

        // Assert
        var stored = Assert.Single(_store.Stored);
        Assert.Equal(stored.Id, dto.Id);
        Assert.True(Mrn.HasValidCheckDigit(dto.Mrn));
        Assert.Equal(1, dto.Version);
        Assert.Equal(7, dto.Id.Version);
    }

    [Fact]
    public async Task RegisterAsync_ValidInput_TakesTheTimeFromTheInjectedClock()
    {
        // Arrange
        _clock.Advance(TimeSpan.FromDays(3));

        // Act
        await _service.RegisterAsync(Receptionist, TestPatients.ValidInput(), CancellationToken.None);

        // Assert
        var stored = Assert.Single(_store.Stored);
        Assert.Equal(TestPatients.Now.AddDays(3), stored.CreatedAt);
        Assert.Equal(TestPatients.Now.AddDays(3), stored.UpdatedAt);
    }

    [Fact]
    public async Task RegisterAsync_BirthDateAfterTheInjectedClocksToday_IsRefused()
    {
        // Arrange: the machine's clock is years later, so only the injected clock can refuse this date.
        var input = TestPatients.ValidInput() with { BirthDate = TestPatients.Today.AddDays(1) };

        // Act, Assert
        await ValidationAssert.ThrowsAsync("birthDate", () => _service.RegisterAsync(Receptionist, input, CancellationToken.None));
        Assert.Equal(0, _store.Calls);
    }

    [Fact]
    public async Task RegisterAsync_ServerAssignedMrnTaken_RetriesWithAnotherMrn()
    {
        // Arrange
        _store.MrnCollisionsToSimulate = 2;

        // Act
        var dto = await _service.RegisterAsync(Receptionist, TestPatients.ValidInput(), CancellationToken.None);

        // Assert
        Assert.Equal(3, _store.AttemptedMrns.Count);
        Assert.Equal(3, _store.AttemptedMrns.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(_store.AttemptedMrns[^1], dto.Mrn);
        Assert.Single(_store.Stored);
    }

    [Fact]
    public async Task RegisterAsync_ServerAssignedMrnAlwaysTaken_GivesUpWithMrnTaken()
    {
        // Arrange
        _store.MrnCollisionsToSimulate = int.MaxValue;

        // Act
        await Assert.ThrowsAsync<MrnTakenException>(
            () => _service.RegisterAsync(Receptionist, TestPatients.ValidInput(), CancellationToken.None));

        // Assert: retried, but a bounded number of times.
        Assert.InRange(_store.AttemptedMrns.Count, 2, 20);
        Assert.Empty(_store.Stored);
    }

    [Fact]
    public async Task RegisterAsync_UserSuppliedMrnTaken_ThrowsValidationFailedForMrnWithoutRetrying()
    {
        // Arrange
        _store.Seed(TestPatients.Registered("CLINIC-0001"));
        var input = TestPatients.ValidInput() with { Mrn = " clinic-0001 " };

        // Act
        var exception = await ValidationAssert.ThrowsAsync(
            "mrn", () => _service.RegisterAsync(Receptionist, input, CancellationToken.None));

        // Assert
        Assert.Equal(["CLINIC-0001"], _store.AttemptedMrns);
        Assert.Single(_store.Stored);
        Assert.DoesNotContain("CLINIC", exception.Errors["mrn"][0], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RegisterAsync_UserSuppliedMrn_IsStoredCleaned()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Mrn = " clinic-0002 " };

        // Act
        var dto = await _service.RegisterAsync(Receptionist, input, CancellationToken.None);

        // Assert
        Assert.Equal("CLINIC-0002", dto.Mrn);
        Assert.Equal(["CLINIC-0002"], _store.AttemptedMrns);
    }

    [Fact]
    public async Task GetAsync_PatientRoleOwnRecord_ReturnsIt()
    {
        // Arrange
        var own = _store.Seed(TestPatients.Registered());
        var user = TestUser.PatientAccount(own.Id);

        // Act
        var dto = await _service.GetAsync(user, own.Id, CancellationToken.None);

        // Assert
        Assert.Equal(own.Id, dto.Id);
    }

    [Fact]
    public async Task GetAsync_PatientRoleOtherRecord_ThrowsNotFoundBeforeTouchingTheStore()
    {
        // Arrange
        var own = _store.Seed(TestPatients.Registered("M1234567897"));
        var other = _store.Seed(TestPatients.Registered("M0000000000"));
        var user = TestUser.PatientAccount(own.Id);

        // Act
        await Assert.ThrowsAsync<RecordNotFoundException>(() => _service.GetAsync(user, other.Id, CancellationToken.None));

        // Assert
        Assert.Equal(0, _store.Calls);
    }

    [Fact]
    public async Task GetAsync_MissingRecord_ThrowsNotFound()
    {
        // Act, Assert
        await Assert.ThrowsAsync<RecordNotFoundException>(
            () => _service.GetAsync(Nurse, Guid.CreateVersion7(TestPatients.Now), CancellationToken.None));
    }

    [Fact]
    public async Task SearchAsync_Unauthenticated_ThrowsBeforeTouchingTheStore()
    {
        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(
            () => _service.SearchAsync(TestUser.Anonymous, PatientSearch.Parse("test", null, null), CancellationToken.None));

        // Assert
        Assert.Equal(0, _store.Calls);
    }

    [Fact]
    public async Task SearchAsync_PatientRole_IsLimitedToTheOwnRecord()
    {
        // Arrange
        var own = _store.Seed(TestPatients.Registered("M1234567897"));
        _store.Seed(TestPatients.Registered("M0000000000"));
        var user = TestUser.PatientAccount(own.Id);

        // Act
        var page = await _service.SearchAsync(user, PatientSearch.Parse(null, null, null), CancellationToken.None);

        // Assert
        Assert.Equal(own.Id, _store.LastSearch!.OnlyPatientId);
        Assert.Equal(own.Id, Assert.Single(page.Items).Id);
    }

    [Fact]
    public async Task SearchAsync_StaffRole_SearchesAllRecords()
    {
        // Arrange
        _store.Seed(TestPatients.Registered("M1234567897"));
        _store.Seed(TestPatients.Registered("M0000000000"));

        // Act
        var page = await _service.SearchAsync(Nurse, PatientSearch.Parse(null, null, null), CancellationToken.None);

        // Assert
        Assert.Null(_store.LastSearch!.OnlyPatientId);
        Assert.Equal(2, page.Items.Count);
    }

    [Fact]
    public async Task UpdateAsync_RoleWithoutUpdate_ThrowsBeforeTouchingTheStore()
    {
        // Arrange
        var patient = _store.Seed(TestPatients.Registered());
        var user = TestUser.InRoles(RoleNames.Researcher);

        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(
            () => _service.UpdateAsync(user, patient.Id, TestPatients.ValidInput(), 1, CancellationToken.None));

        // Assert
        Assert.Equal(0, _store.Calls);
        Assert.Equal(1, patient.Version);
    }

    [Fact]
    public async Task UpdateAsync_InvalidInput_StoresNothing()
    {
        // Arrange
        var patient = _store.Seed(TestPatients.Registered());
        var input = TestPatients.ValidInput() with { State = "XX", City = "Otherville" };

        // Act
        await ValidationAssert.ThrowsAsync("state", () => _service.UpdateAsync(Nurse, patient.Id, input, 1, CancellationToken.None));

        // Assert
        Assert.Equal(0, _store.Calls);
        Assert.Equal("Testville", patient.City);
    }

    [Fact]
    public async Task UpdateAsync_PatientRoleOtherRecord_ThrowsNotFoundBeforeTouchingTheStore()
    {
        // Arrange
        var own = _store.Seed(TestPatients.Registered("M1234567897"));
        var other = _store.Seed(TestPatients.Registered("M0000000000"));

        // Act
        await Assert.ThrowsAsync<RecordNotFoundException>(() => _service.UpdateAsync(
            TestUser.PatientAccount(own.Id), other.Id, TestPatients.ValidInput(), 1, CancellationToken.None));

        // Assert
        Assert.Equal(0, _store.Calls);
    }

    [Fact]
    public async Task UpdateAsync_ValidInput_UpdatesWithTheInjectedClock()
    {
        // Arrange
        var patient = _store.Seed(TestPatients.Registered());
        _clock.Advance(TimeSpan.FromHours(5));

        // Act
        var dto = await _service.UpdateAsync(
            Nurse, patient.Id, TestPatients.ValidInput() with { City = "Otherville" }, 1, CancellationToken.None);

        // Assert
        Assert.Equal(2, dto.Version);
        Assert.Equal("Otherville", dto.City);
        Assert.Equal(TestPatients.Now.AddHours(5), patient.UpdatedAt);
    }

    [Fact]
    public async Task DeleteAsync_RoleWithoutDelete_ThrowsBeforeTouchingTheStore()
    {
        // Arrange
        var patient = _store.Seed(TestPatients.Registered());

        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.DeleteAsync(Nurse, patient.Id, 1, CancellationToken.None));

        // Assert
        Assert.Equal(0, _store.Calls);
        Assert.True(_store.Contains(patient.Id));
    }

    [Fact]
    public async Task DeleteAsync_Admin_RemovesThePatient()
    {
        // Arrange
        var patient = _store.Seed(TestPatients.Registered());

        // Act
        await _service.DeleteAsync(TestUser.InRoles(RoleNames.Admin), patient.Id, 1, CancellationToken.None);

        // Assert
        Assert.False(_store.Contains(patient.Id));
    }

    [Fact]
    public async Task RegisterAsync_ValidationFailure_IsAValidationFailedException()
    {
        // Act
        var exception = await Record.ExceptionAsync(
            () => _service.RegisterAsync(Receptionist, new PatientInput(), CancellationToken.None));

        // Assert
        var failed = Assert.IsType<ValidationFailedException>(exception);
        Assert.Contains("givenName", failed.Errors.Keys);
    }
}
