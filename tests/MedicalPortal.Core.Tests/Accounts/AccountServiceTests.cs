using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Tests.Audit;
using MedicalPortal.Core.Tests.Permissions;
using MedicalPortal.Core.Tests.Validation;

namespace MedicalPortal.Core.Tests.Accounts;

/// <summary>
/// Locking and unlocking reach every account, a patient's online account included (issue 12: a taken-over patient
/// account must be stoppable); role, password and deletion stay with staff accounts; a patient's account is found from
/// the patient's record. Every refusal comes before the directory is asked anything.
/// </summary>
public sealed class AccountServiceTests
{
    private static readonly TestUser Admin = TestUser.InRoles(RoleNames.Admin);
    private static readonly Guid PatientId = Guid.Parse("0192f4a0-7b3c-7def-8a12-0000000000aa");

    private readonly FakeAccountDirectory _directory = new();
    private readonly FakeAuditTrail _audit = new();
    private readonly AccountService _service;

    public AccountServiceTests()
    {
        _service = new AccountService(_directory, new AccessControl(new FakePermissionStore()), _audit);
    }

    /// <summary>The seeded roles without any right on accounts (the Patient role can never hold one).</summary>
    public static TheoryData<string> RolesWithoutAccountRights { get; } =
        [RoleNames.Doctor, RoleNames.Nurse, RoleNames.Receptionist, RoleNames.Researcher, RoleNames.Patient];

    [Fact]
    public async Task LockAsync_PatientAccount_LocksItInTheAdminsName()
    {
        // Arrange
        _directory.AddPatient("patient-account", PatientId);

        // Act
        var locked = await _service.LockAsync(Admin, "patient-account", CancellationToken.None);

        // Assert
        Assert.True(locked.IsLockedOut);
        Assert.True(_directory.Stored("patient-account")!.IsLockedOut);
        Assert.Equal(["test-account locks patient-account"], _directory.Changes);
    }

    [Fact]
    public async Task UnlockAsync_LockedPatientAccount_UnlocksIt()
    {
        // Arrange
        _directory.AddPatient("patient-account", PatientId);
        await _service.LockAsync(Admin, "patient-account", CancellationToken.None);

        // Act
        var unlocked = await _service.UnlockAsync(Admin, "patient-account", CancellationToken.None);

        // Assert
        Assert.False(unlocked.IsLockedOut);
        Assert.False(_directory.Stored("patient-account")!.IsLockedOut);
        Assert.Equal(["test-account locks patient-account", "test-account unlocks patient-account"], _directory.Changes);
    }

    [Fact]
    public async Task LockAsync_StaffAccount_LocksItAsBefore()
    {
        // Arrange
        _directory.AddStaff("nurse-account", RoleNames.Nurse);

        // Act
        var locked = await _service.LockAsync(Admin, "nurse-account", CancellationToken.None);

        // Assert
        Assert.True(locked.IsLockedOut);
        Assert.Equal(["test-account locks nurse-account"], _directory.Changes);
    }

    [Fact]
    public async Task LockAsync_OwnAccount_IsRefusedOnTheIdFieldAndNothingChanges()
    {
        // Arrange
        _directory.AddStaff(Admin.AccountId!, RoleNames.Admin);

        // Act, Assert
        await ValidationAssert.ThrowsAsync("id", () => _service.LockAsync(Admin, Admin.AccountId!, CancellationToken.None));
        Assert.Empty(_directory.Changes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LockOrUnlock_UnknownAccount_IsNotFound(bool locking)
    {
        // Act
        var exception = await Assert.ThrowsAsync<RecordNotFoundException>(() => locking
            ? _service.LockAsync(Admin, "no-such-account", CancellationToken.None)
            : _service.UnlockAsync(Admin, "no-such-account", CancellationToken.None));

        // Assert
        Assert.Equal(Resource.Account, exception.Resource);
        Assert.Empty(_directory.Changes);
    }

    [Theory]
    [MemberData(nameof(RolesWithoutAccountRights))]
    public async Task LockAndUnlock_PatientAccountByRoleWithoutAccountUpdate_AreRefusedBeforeTheDirectoryIsAsked(string role)
    {
        // Arrange: a patient caller is the account's own patient, which gives no right on accounts either.
        _directory.AddPatient("patient-account", PatientId);
        var user = TestUser.InRoles(role) with { PatientId = PatientId };

        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.LockAsync(user, "patient-account", CancellationToken.None));
        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.UnlockAsync(user, "patient-account", CancellationToken.None));

        // Assert
        Assert.Equal(0, _directory.Calls);
        Assert.False(_directory.Stored("patient-account")!.IsLockedOut);
    }

    [Fact]
    public async Task StaffOnlyOperations_PatientAccount_AreNotFoundAndNothingChanges()
    {
        // Arrange
        _directory.AddPatient("patient-account", PatientId);

        // Act
        var refusals = new[]
        {
            await Assert.ThrowsAsync<RecordNotFoundException>(
                () => _service.ChangeRoleAsync(Admin, "patient-account", RoleNames.Doctor, CancellationToken.None)),
            await Assert.ThrowsAsync<RecordNotFoundException>(
                () => _service.ResetPasswordAsync(Admin, "patient-account", "a long synthetic passphrase", CancellationToken.None)),
            await Assert.ThrowsAsync<RecordNotFoundException>(
                () => _service.DeleteAsync(Admin, "patient-account", CancellationToken.None)),
        };

        // Assert
        Assert.All(refusals, r => Assert.Equal(Resource.Account, r.Resource));
        Assert.Empty(_directory.Changes);
        Assert.Equal([RoleNames.Patient], _directory.Stored("patient-account")!.Roles);
    }

    [Fact]
    public async Task FindForPatientAsync_PatientWithAnAccount_ReturnsThatAccount()
    {
        // Arrange
        _directory.AddPatient("other-patient-account", Guid.Parse("0192f4a0-7b3c-7def-8a12-0000000000bb"));
        _directory.AddPatient("patient-account", PatientId);
        _directory.AddStaff("nurse-account", RoleNames.Nurse);

        // Act
        var account = await _service.FindForPatientAsync(Admin, PatientId, CancellationToken.None);

        // Assert: the patient's e-mail was shown, so the read is in the patient's audit trail.
        Assert.Equal(("patient-account", PatientId), (account?.Id, account?.PatientId));
        var read = Assert.Single(_audit.Accesses);
        Assert.Equal((AuditAction.Read, Resource.Account, "patient-account"), (read.Action, read.Resource, read.ResourceId));
        Assert.Equal([PatientId], read.PatientIds);
    }

    [Fact]
    public async Task FindForPatientAsync_PatientWithoutAccount_ReturnsNull()
    {
        // Arrange
        _directory.AddPatient("other-patient-account", Guid.Parse("0192f4a0-7b3c-7def-8a12-0000000000bb"));

        // Act
        var account = await _service.FindForPatientAsync(Admin, PatientId, CancellationToken.None);

        // Assert: nothing shown, nothing recorded.
        Assert.Null(account);
        Assert.Empty(_audit.Accesses);
    }

    [Theory]
    [MemberData(nameof(RolesWithoutAccountRights))]
    public async Task FindForPatientAsync_RoleWithoutAccountRetrieve_IsRefusedBeforeTheDirectoryIsAsked(string role)
    {
        // Arrange
        _directory.AddPatient("patient-account", PatientId);
        var user = TestUser.InRoles(role) with { PatientId = PatientId };

        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.FindForPatientAsync(user, PatientId, CancellationToken.None));

        // Assert
        Assert.Equal(0, _directory.Calls);
    }

    [Fact]
    public async Task FindForPatientAsync_NotSignedIn_IsRefusedAsUnauthenticated()
    {
        // Act
        var exception = await Assert.ThrowsAsync<AccessDeniedException>(
            () => _service.FindForPatientAsync(TestUser.Anonymous, PatientId, CancellationToken.None));

        // Assert
        Assert.False(exception.IsAuthenticated);
        Assert.Equal(0, _directory.Calls);
    }
}
