using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Tests.Permissions;

public sealed class UserRightsTests
{
    private static readonly Guid OwnPatientId = Guid.Parse("0192f4a0-7b3c-7def-8a12-000000000001");

    private static readonly Operations[] EachOperation =
        [Operations.Create, Operations.Retrieve, Operations.Update, Operations.Delete];

    private readonly FakePermissionStore _store = new(DefaultPermissions.Matrix);

    private AccessControl Access => new(_store);

    public static TheoryData<string> StaffRoles { get; } =
        new(RoleNames.Seeded.Where(role => role != RoleNames.Patient));

    [Theory]
    [MemberData(nameof(StaffRoles))]
    public async Task RightsAsync_StaffRoleOfTheDefaultMatrix_ReachesAllRecordsExactlyWhereTheMatrixGrants(string role)
    {
        // Arrange
        var user = TestUser.InRoles(role);

        // Act
        var rights = await Access.RightsAsync(user, CancellationToken.None);

        // Assert
        Assert.Empty(Mismatches(rights, cell => Grants(role, cell) ? AccessScope.AllRecords : AccessScope.None));
    }

    [Fact]
    public async Task RightsAsync_PatientRoleWithLinkedRecord_ReachesOnlyTheOwnRecordWhereTheMatrixGrants()
    {
        // Arrange
        var user = TestUser.PatientAccount(OwnPatientId);

        // Act
        var rights = await Access.RightsAsync(user, CancellationToken.None);

        // Assert: the own record on the patient's records; viewing studies, which belong to nobody, reaches them all.
        Assert.Empty(Mismatches(rights, cell =>
            !Grants(RoleNames.Patient, cell) ? AccessScope.None
            : cell.Resource == Resource.MedicalStudy ? AccessScope.AllRecords
            : AccessScope.OwnPatientRecord));
        Assert.Equal(AccessScope.OwnPatientRecord, rights.Scope(Resource.Patient, Operations.Update));
        Assert.True(rights.Can(Resource.Enrollment, Operations.Delete));
        Assert.False(rights.CanOnAllRecords(Resource.Patient, Operations.Retrieve));
        Assert.False(rights.Can(Resource.Visit, Operations.Create));
    }

    [Fact]
    public async Task RightsAsync_PatientRoleWithoutLinkedRecord_CanDoNothing()
    {
        // Arrange: a patient account whose record is gone (or was never linked).
        var user = TestUser.PatientAccount(patientId: null);

        // Act
        var rights = await Access.RightsAsync(user, CancellationToken.None);

        // Assert: nothing at all, not even viewing studies: everything the Patient role holds goes through the own record.
        Assert.Empty(Mismatches(rights, _ => AccessScope.None));
    }

    [Fact]
    public async Task RightsAsync_Unauthenticated_CanDoNothingAndReadsNoMatrix()
    {
        // Act
        var rights = await Access.RightsAsync(TestUser.Anonymous, CancellationToken.None);

        // Assert
        Assert.Same(UserRights.None, rights);
        Assert.Empty(Mismatches(rights, _ => AccessScope.None));
        Assert.Equal(0, _store.Calls);
    }

    [Fact]
    public async Task RightsAsync_UnauthenticatedEvenWithRoles_CanDoNothing()
    {
        // Arrange
        var user = TestUser.InRoles(RoleNames.Admin) with { IsAuthenticated = false };

        // Act
        var rights = await Access.RightsAsync(user, CancellationToken.None);

        // Assert
        Assert.Empty(Mismatches(rights, _ => AccessScope.None));
    }

    [Fact]
    public async Task RightsAsync_SignedInWithoutRoles_CanDoNothing()
    {
        // Act
        var rights = await Access.RightsAsync(TestUser.InRoles(), CancellationToken.None);

        // Assert
        Assert.Empty(Mismatches(rights, _ => AccessScope.None));
    }

    [Fact]
    public async Task RightsAsync_AnyRole_ReadsTheMatrixOnce()
    {
        // Arrange
        var user = TestUser.InRoles(RoleNames.Doctor, RoleNames.Researcher);

        // Act
        var rights = await Access.RightsAsync(user, CancellationToken.None);
        var answers = Cells().Count(cell => rights.Can(cell.Resource, cell.Operation));

        // Assert
        Assert.Equal(1, _store.Calls);
        Assert.True(answers > 0);
    }

    [Fact]
    public async Task RightsAsync_MultipleRoles_RightsAddUpPerOperation()
    {
        // Arrange: Receptionist may create patients, Researcher may export; neither alone may do both.
        var user = TestUser.InRoles(RoleNames.Receptionist, RoleNames.Researcher);

        // Act
        var rights = await Access.RightsAsync(user, CancellationToken.None);

        // Assert
        Assert.True(rights.CanOnAllRecords(Resource.Patient, Operations.Create));
        Assert.True(rights.CanOnAllRecords(Resource.Export, Operations.Retrieve));
        Assert.True(rights.CanOnAllRecords(Resource.MedicalStudy, Operations.Delete));
        Assert.False(rights.Can(Resource.Patient, Operations.Delete));
    }

    [Fact]
    public async Task RightsAsync_PatientAndStaffRole_StaffRightsReachAllRecordsAndPatientRightsAddTheOwnRecord()
    {
        // Arrange: Doctor may not withdraw consents (Enrollment Delete); the Patient role may withdraw its own.
        var user = TestUser.InRoles(RoleNames.Patient, RoleNames.Doctor) with { PatientId = OwnPatientId };

        // Act
        var rights = await Access.RightsAsync(user, CancellationToken.None);

        // Assert
        Assert.Equal(AccessScope.AllRecords, rights.Scope(Resource.Patient, Operations.Retrieve));
        Assert.Equal(AccessScope.OwnPatientRecord, rights.Scope(Resource.Enrollment, Operations.Delete));
        Assert.Equal(AccessScope.None, rights.Scope(Resource.Patient, Operations.Delete));
    }

    [Fact]
    public async Task RightsAsync_RoleNameInOtherCase_IsTheSameRole()
    {
        // Arrange
        var patient = TestUser.InRoles("pATIENT") with { PatientId = OwnPatientId };

        // Act
        var doctorRights = await Access.RightsAsync(TestUser.InRoles("dOCTOR"), CancellationToken.None);
        var patientRights = await Access.RightsAsync(patient, CancellationToken.None);

        // Assert
        Assert.Equal(AccessScope.AllRecords, doctorRights.Scope(Resource.Visit, Operations.Delete));
        Assert.Equal(AccessScope.OwnPatientRecord, patientRights.Scope(Resource.Patient, Operations.Retrieve));
    }

    [Theory]
    [InlineData(Operations.Create)]
    [InlineData(Operations.Update)]
    [InlineData(Operations.Delete)]
    public void Of_AuditLogWriteStoredForAdmin_IsStillRefused(Operations operation)
    {
        // Arrange: a tampered or mis-edited matrix that stores full rights on the audit log.
        var matrix = new PermissionMatrix(new Dictionary<string, IReadOnlyDictionary<Resource, Operations>>
        {
            [RoleNames.Admin] = new Dictionary<Resource, Operations> { [Resource.AuditLog] = Operations.All },
        });

        // Act
        var rights = UserRights.Of(TestUser.InRoles(RoleNames.Admin), matrix);

        // Assert
        Assert.False(rights.Can(Resource.AuditLog, operation));
        Assert.True(rights.CanOnAllRecords(Resource.AuditLog, Operations.Retrieve));
    }

    [Theory]
    [InlineData(Operations.None)]
    [InlineData(Operations.Retrieve | Operations.Update)]
    [InlineData(Operations.All)]
    public async Task Scope_NotExactlyOneOperation_Throws(Operations operations)
    {
        // Arrange
        var rights = await Access.RightsAsync(TestUser.InRoles(RoleNames.Admin), CancellationToken.None);

        // Act, Assert
        Assert.Throws<ArgumentOutOfRangeException>(() => rights.Can(Resource.Patient, operations));
    }

    [Fact]
    public async Task RightsAsync_MatrixChangedAfterwards_KeepsTheSnapshotAndTheNextCallSeesTheChange()
    {
        // Arrange
        var store = new FakePermissionStore(DefaultPermissions.Matrix);
        var access = new AccessControl(store);
        var user = TestUser.InRoles(RoleNames.Nurse);
        var before = await access.RightsAsync(user, CancellationToken.None);

        // Act
        store.Matrix = new PermissionMatrix(new Dictionary<string, IReadOnlyDictionary<Resource, Operations>>());
        var after = await access.RightsAsync(user, CancellationToken.None);

        // Assert
        Assert.True(before.Can(Resource.Visit, Operations.Update));
        Assert.False(after.Can(Resource.Visit, Operations.Update));
    }

    [Fact]
    public async Task ScopeAsync_EveryRoleAndCell_AnswersAsTheRightsDo()
    {
        // Arrange: one user per seeded role, the Patient role linked to its record.
        var users = RoleNames.Seeded.Select(role => TestUser.InRoles(role) with
        {
            PatientId = role == RoleNames.Patient ? OwnPatientId : null,
        });
        var differences = new List<string>();

        // Act
        foreach (var user in users)
        {
            var rights = await Access.RightsAsync(user, CancellationToken.None);
            foreach (var (resource, operation) in Cells())
            {
                var scope = await Access.ScopeAsync(user, resource, operation, CancellationToken.None);
                if (scope != rights.Scope(resource, operation))
                {
                    differences.Add($"{string.Join(',', user.Roles)} {resource} {operation}");
                }
            }
        }

        // Assert
        Assert.Empty(differences);
    }

    private static IEnumerable<(Resource Resource, Operations Operation)> Cells() =>
        Enum.GetValues<Resource>().SelectMany(resource => EachOperation.Select(operation => (resource, operation)));

    /// <summary>The cells where <paramref name="rights"/> answer other than <paramref name="expected"/>, named for the failure message.</summary>
    private static List<string> Mismatches(UserRights rights, Func<(Resource Resource, Operations Operation), AccessScope> expected) =>
    [
        .. Cells()
            .Where(cell => rights.Scope(cell.Resource, cell.Operation) != expected(cell))
            .Select(cell => $"{cell.Resource} {cell.Operation}: {rights.Scope(cell.Resource, cell.Operation)}, expected {expected(cell)}"),
    ];

    private static bool Grants(string role, (Resource Resource, Operations Operation) cell) =>
        DefaultPermissions.Matrix.Granted(role, cell.Resource).HasFlag(cell.Operation);
}
