using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;

namespace MedicalPortal.Core.Tests.Permissions;

public sealed class AccessControlTests
{
    private static readonly Guid OwnPatientId = Guid.Parse("0192f4a0-7b3c-7def-8a12-000000000001");
    private static readonly Guid OtherPatientId = Guid.Parse("0192f4a0-7b3c-7def-8a12-000000000002");

    private readonly FakePermissionStore _store = new();

    private AccessControl Access => new(_store);

    [Fact]
    public async Task DemandAsync_Unauthenticated_ThrowsAccessDeniedNotSignedIn()
    {
        // Act
        var exception = await Assert.ThrowsAsync<AccessDeniedException>(
            () => Access.DemandAsync(TestUser.Anonymous, Resource.Patient, Operations.Retrieve, CancellationToken.None));

        // Assert
        Assert.False(exception.IsAuthenticated);
        Assert.Equal(0, _store.Calls);
    }

    [Fact]
    public async Task DemandAsync_UnauthenticatedEvenWithRoles_ThrowsAccessDeniedNotSignedIn()
    {
        // Arrange
        var user = TestUser.InRoles(RoleNames.Admin) with { IsAuthenticated = false };

        // Act
        var exception = await Assert.ThrowsAsync<AccessDeniedException>(
            () => Access.DemandAsync(user, Resource.Patient, Operations.Retrieve, CancellationToken.None));

        // Assert
        Assert.False(exception.IsAuthenticated);
    }

    [Fact]
    public async Task DemandAsync_RoleWithoutTheRight_ThrowsAccessDeniedSignedIn()
    {
        // Arrange: Nurse has Patient R and U, not Delete.
        var user = TestUser.InRoles(RoleNames.Nurse);

        // Act
        var exception = await Assert.ThrowsAsync<AccessDeniedException>(
            () => Access.DemandAsync(user, Resource.Patient, Operations.Delete, CancellationToken.None));

        // Assert
        Assert.True(exception.IsAuthenticated);
        Assert.Equal(Resource.Patient, exception.Resource);
        Assert.Equal(Operations.Delete, exception.Operation);
    }

    [Fact]
    public async Task DemandAsync_SignedInWithoutRoles_ThrowsAccessDeniedSignedIn()
    {
        // Arrange
        var user = TestUser.InRoles();

        // Act
        var exception = await Assert.ThrowsAsync<AccessDeniedException>(
            () => Access.DemandAsync(user, Resource.MedicalStudy, Operations.Retrieve, CancellationToken.None));

        // Assert
        Assert.True(exception.IsAuthenticated);
    }

    [Fact]
    public async Task DemandAsync_UnknownRole_ThrowsAccessDenied()
    {
        // Arrange
        var user = TestUser.InRoles("Janitor");

        // Act, Assert
        await Assert.ThrowsAsync<AccessDeniedException>(
            () => Access.DemandAsync(user, Resource.MedicalStudy, Operations.Retrieve, CancellationToken.None));
    }

    [Theory]
    [InlineData(Resource.Patient, Operations.Delete)]
    [InlineData(Resource.Role, Operations.Update)]
    [InlineData(Resource.Account, Operations.Create)]
    [InlineData(Resource.AuditLog, Operations.Retrieve)]
    public async Task DemandAsync_Admin_GetsAllRecords(Resource resource, Operations operation)
    {
        // Arrange
        var user = TestUser.InRoles(RoleNames.Admin);

        // Act
        var scope = await Access.DemandAsync(user, resource, operation, CancellationToken.None);

        // Assert
        Assert.Equal(AccessScope.AllRecords, scope);
    }

    [Fact]
    public async Task DemandAsync_RoleNameInOtherCase_IsTheSameRole()
    {
        // Arrange
        var user = TestUser.InRoles("dOCTOR");

        // Act
        var scope = await Access.DemandAsync(user, Resource.Visit, Operations.Delete, CancellationToken.None);

        // Assert
        Assert.Equal(AccessScope.AllRecords, scope);
    }

    [Fact]
    public async Task DemandAsync_PatientRoleWithLinkedRecord_GetsOwnPatientRecord()
    {
        // Arrange
        var user = TestUser.PatientAccount(OwnPatientId);

        // Act
        var scope = await Access.DemandAsync(user, Resource.Patient, Operations.Retrieve, CancellationToken.None);

        // Assert
        Assert.Equal(AccessScope.OwnPatientRecord, scope);
    }

    [Fact]
    public async Task DemandAsync_PatientRoleWithoutLinkedRecord_ThrowsAccessDenied()
    {
        // Arrange
        var user = TestUser.PatientAccount(patientId: null);

        // Act
        var exception = await Assert.ThrowsAsync<AccessDeniedException>(
            () => Access.DemandAsync(user, Resource.Patient, Operations.Retrieve, CancellationToken.None));

        // Assert
        Assert.True(exception.IsAuthenticated);
    }

    [Fact]
    public async Task DemandAsync_PatientRoleOperationNotGranted_ThrowsAccessDenied()
    {
        // Arrange: the Patient role may read visits, not record them.
        var user = TestUser.PatientAccount(OwnPatientId);

        // Act, Assert
        await Assert.ThrowsAsync<AccessDeniedException>(
            () => Access.DemandAsync(user, Resource.Visit, Operations.Create, CancellationToken.None));
    }

    [Fact]
    public async Task DemandForPatientAsync_PatientRoleOwnId_Passes()
    {
        // Arrange
        var user = TestUser.PatientAccount(OwnPatientId);

        // Act
        var exception = await Record.ExceptionAsync(
            () => Access.DemandForPatientAsync(user, Resource.Patient, Operations.Update, OwnPatientId, CancellationToken.None));

        // Assert
        Assert.Null(exception);
    }

    [Theory]
    [InlineData(Resource.Patient, Operations.Retrieve)]
    [InlineData(Resource.Patient, Operations.Update)]
    [InlineData(Resource.Visit, Operations.Retrieve)]
    [InlineData(Resource.Enrollment, Operations.Delete)]
    public async Task DemandForPatientAsync_PatientRoleOtherId_ThrowsRecordNotFoundNotAccessDenied(
        Resource resource, Operations operation)
    {
        // Arrange
        var user = TestUser.PatientAccount(OwnPatientId);

        // Act
        var exception = await Record.ExceptionAsync(
            () => Access.DemandForPatientAsync(user, resource, operation, OtherPatientId, CancellationToken.None));

        // Assert
        var notFound = Assert.IsType<RecordNotFoundException>(exception);
        Assert.Equal(resource, notFound.Resource);
    }

    [Fact]
    public async Task DemandForPatientAsync_StaffRoleAnyId_Passes()
    {
        // Arrange
        var user = TestUser.InRoles(RoleNames.Doctor);

        // Act
        var exception = await Record.ExceptionAsync(
            () => Access.DemandForPatientAsync(user, Resource.Patient, Operations.Update, OtherPatientId, CancellationToken.None));

        // Assert
        Assert.Null(exception);
    }

    [Fact]
    public async Task DemandForPatientAsync_Unauthenticated_ThrowsAccessDeniedBeforeAnyScopeCheck()
    {
        // Act
        var exception = await Assert.ThrowsAsync<AccessDeniedException>(
            () => Access.DemandForPatientAsync(TestUser.Anonymous, Resource.Patient, Operations.Retrieve, OwnPatientId, CancellationToken.None));

        // Assert
        Assert.False(exception.IsAuthenticated);
    }

    [Fact]
    public async Task DemandAsync_MultipleRoles_RightsAddUp()
    {
        // Arrange: Receptionist may create patients, Researcher may export; neither alone may do both.
        var user = TestUser.InRoles(RoleNames.Receptionist, RoleNames.Researcher);

        // Act
        var createPatient = await Access.DemandAsync(user, Resource.Patient, Operations.Create, CancellationToken.None);
        var export = await Access.DemandAsync(user, Resource.Export, Operations.Retrieve, CancellationToken.None);

        // Assert
        Assert.Equal(AccessScope.AllRecords, createPatient);
        Assert.Equal(AccessScope.AllRecords, export);
        await Assert.ThrowsAsync<AccessDeniedException>(
            () => Access.DemandAsync(TestUser.InRoles(RoleNames.Receptionist), Resource.Export, Operations.Retrieve, CancellationToken.None));
        await Assert.ThrowsAsync<AccessDeniedException>(
            () => Access.DemandAsync(TestUser.InRoles(RoleNames.Researcher), Resource.Patient, Operations.Create, CancellationToken.None));
    }

    [Theory]
    [InlineData(RoleNames.Patient, RoleNames.Nurse)]
    [InlineData(RoleNames.Nurse, RoleNames.Patient)]
    public async Task DemandAsync_PatientAndStaffRole_StaffRoleReachesAllRecordsInAnyOrder(string first, string second)
    {
        // Arrange
        var user = TestUser.InRoles(first, second) with { PatientId = OwnPatientId };

        // Act
        var scope = await Access.DemandAsync(user, Resource.Patient, Operations.Retrieve, CancellationToken.None);

        // Assert
        Assert.Equal(AccessScope.AllRecords, scope);
    }

    [Fact]
    public async Task DemandAsync_PatientRoleAddsOwnRightTheStaffRoleLacks_GetsOwnPatientRecord()
    {
        // Arrange: Doctor may not delete enrollments; the Patient role may withdraw its own.
        var user = TestUser.InRoles(RoleNames.Doctor, RoleNames.Patient) with { PatientId = OwnPatientId };

        // Act
        var scope = await Access.DemandAsync(user, Resource.Enrollment, Operations.Delete, CancellationToken.None);

        // Assert
        Assert.Equal(AccessScope.OwnPatientRecord, scope);
    }

    [Theory]
    [InlineData(Operations.Create)]
    [InlineData(Operations.Update)]
    [InlineData(Operations.Delete)]
    public async Task DemandAsync_AuditLogWriteStoredForAdmin_IsStillRefused(Operations operation)
    {
        // Arrange: a tampered or mis-edited matrix that stores full rights on the audit log.
        var matrix = new PermissionMatrix(new Dictionary<string, IReadOnlyDictionary<Resource, Operations>>
        {
            [RoleNames.Admin] = new Dictionary<Resource, Operations> { [Resource.AuditLog] = Operations.All },
        });
        var access = new AccessControl(new FakePermissionStore(matrix));
        var user = TestUser.InRoles(RoleNames.Admin);

        // Act
        var exception = await Record.ExceptionAsync(
            () => access.DemandAsync(user, Resource.AuditLog, operation, CancellationToken.None));

        // Assert
        Assert.IsType<AccessDeniedException>(exception);
        Assert.Equal(
            AccessScope.AllRecords,
            await access.DemandAsync(user, Resource.AuditLog, Operations.Retrieve, CancellationToken.None));
    }

    [Fact]
    public async Task DemandAsync_MatrixChangedInStore_NextCallSeesTheChange()
    {
        // Arrange
        var granted = new PermissionMatrix(new Dictionary<string, IReadOnlyDictionary<Resource, Operations>>
        {
            ["Clerk"] = new Dictionary<Resource, Operations> { [Resource.Patient] = Operations.Retrieve },
        });
        var revoked = new PermissionMatrix(new Dictionary<string, IReadOnlyDictionary<Resource, Operations>>());
        var store = new FakePermissionStore(granted);
        var access = new AccessControl(store);
        var user = TestUser.InRoles("Clerk");
        var before = await access.DemandAsync(user, Resource.Patient, Operations.Retrieve, CancellationToken.None);

        // Act
        store.Matrix = revoked;

        // Assert
        Assert.Equal(AccessScope.AllRecords, before);
        await Assert.ThrowsAsync<AccessDeniedException>(
            () => access.DemandAsync(user, Resource.Patient, Operations.Retrieve, CancellationToken.None));
    }

    [Fact]
    public void AccessDeniedException_Unauthenticated_AsksToSignIn()
    {
        // Act
        var exception = new AccessDeniedException(isAuthenticated: false, Resource.Patient, Operations.Retrieve);

        // Assert
        Assert.Equal("Sign in to continue.", exception.Message);
    }

    [Fact]
    public void AccessDeniedException_Authenticated_NamesTheOperationAndResource()
    {
        // Act
        var exception = new AccessDeniedException(isAuthenticated: true, Resource.Visit, Operations.Delete);

        // Assert
        Assert.Contains("deleting", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Visit", exception.Message, StringComparison.Ordinal);
    }
}
