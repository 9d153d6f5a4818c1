using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Tests.Permissions;

/// <summary>
/// The Patient role's rights stop at the own record, so it can hold none on records that belong to no patient: the
/// rule refuses such grants, and a matrix that stores them anyway never lets them widen to all records.
/// </summary>
public sealed class PatientRoleGrantsTests
{
    private static readonly Guid OwnPatientId = Guid.Parse("0192f4a0-7b3c-7def-8a12-000000000001");

    private static readonly Operations[] EachOperation =
        [Operations.Create, Operations.Retrieve, Operations.Update, Operations.Delete];

    public static TheoryData<Resource> NobodysRecords { get; } = new(Resource.Account, Resource.Role, Resource.AuditLog, Resource.Export);

    [Theory]
    [MemberData(nameof(NobodysRecords))]
    public void RightsOf_PatientRoleStoredWithEverythingOnRecordsOfNoPatient_CanDoNothingThere(Resource resource)
    {
        // Arrange: a matrix edited in the database, or stored before the rule, granting the Patient role everything.
        var rights = UserRights.Of(TestUser.PatientAccount(OwnPatientId), Everything(RoleNames.Patient));

        // Act
        var scopes = EachOperation.Select(operation => rights.Scope(resource, operation)).ToList();

        // Assert
        Assert.All(scopes, scope => Assert.Equal(AccessScope.None, scope));
    }

    [Fact]
    public void RightsOf_PatientRoleStoredWithEverythingOnStudies_MayOnlyViewThem()
    {
        // Arrange
        var rights = UserRights.Of(TestUser.PatientAccount(OwnPatientId), Everything(RoleNames.Patient));

        // Act
        var scopes = EachOperation.ToDictionary(operation => operation, operation => rights.Scope(Resource.MedicalStudy, operation));

        // Assert: a study is nobody's record, so viewing reaches every study, which is what patients need to consent.
        Assert.Equal(AccessScope.AllRecords, scopes[Operations.Retrieve]);
        Assert.All(scopes.Where(s => s.Key != Operations.Retrieve), s => Assert.Equal(AccessScope.None, s.Value));
    }

    [Theory]
    [InlineData(Resource.Patient)]
    [InlineData(Resource.Visit)]
    [InlineData(Resource.Enrollment)]
    public void RightsOf_PatientRoleStoredWithEverythingOnPatientRecords_OnlyEverTheOwnRecord(Resource resource)
    {
        // Arrange
        var rights = UserRights.Of(TestUser.PatientAccount(OwnPatientId), Everything(RoleNames.Patient));

        // Act
        var scopes = EachOperation.Select(operation => rights.Scope(resource, operation)).ToList();

        // Assert
        Assert.All(scopes, scope => Assert.Equal(AccessScope.OwnPatientRecord, scope));
    }

    [Fact]
    public void RightsOf_OwnRecordScope_AnsweredOnlyForRecordsOfOnePatient()
    {
        // Arrange
        var rights = UserRights.Of(TestUser.PatientAccount(OwnPatientId), Everything(RoleNames.Patient));

        // Act
        var ownRecordCells = Enum.GetValues<Resource>()
            .SelectMany(resource => EachOperation.Select(operation => (resource, operation)))
            .Where(cell => rights.Scope(cell.resource, cell.operation) == AccessScope.OwnPatientRecord)
            .Select(cell => cell.resource)
            .Distinct()
            .Order();

        // Assert
        Assert.Equal([Resource.Patient, Resource.Visit, Resource.Enrollment], ownRecordCells);
    }

    [Fact]
    public void Granted_StaffRoleStoredWithEverything_KeepsIt()
    {
        // Arrange
        var matrix = Everything("Clerk");

        // Act
        var granted = matrix.Granted("Clerk", Resource.Account);

        // Assert: the rule is the Patient role's; any other role holds what is stored.
        Assert.Equal(Operations.All, granted);
    }

    [Theory]
    [MemberData(nameof(NobodysRecords))]
    public void RefusalOf_PatientRoleGivenAnythingOnRecordsOfNoPatient_Refused(Resource resource)
    {
        // Act
        var refusal = PatientRoleGrants.RefusalOf(RoleNames.Patient, resource, Operations.None, Operations.Retrieve);

        // Assert
        Assert.Equal(
            $"The Patient role reaches only the patient's own records, and {resource} records belong to no patient: it cannot be given rights on them.",
            refusal);
    }

    [Theory]
    [InlineData(Operations.Create)]
    [InlineData(Operations.Update)]
    [InlineData(Operations.Delete)]
    public void RefusalOf_PatientRoleGivenMoreThanViewingStudies_Refused(Operations operation)
    {
        // Act
        var refusal = PatientRoleGrants.RefusalOf("pATIENT", Resource.MedicalStudy, Operations.Retrieve, Operations.Retrieve | operation);

        // Assert
        Assert.Equal(
            "The Patient role can only view studies: a study belongs to no patient, so any other right on it would reach every study.",
            refusal);
    }

    [Theory]
    [InlineData(Resource.Patient, Operations.All)]
    [InlineData(Resource.Visit, Operations.All)]
    [InlineData(Resource.Enrollment, Operations.All)]
    [InlineData(Resource.MedicalStudy, Operations.Retrieve)]
    [InlineData(Resource.Account, Operations.None)]
    public void RefusalOf_PatientRoleGivenWhatItCanHold_Allowed(Resource resource, Operations operations)
    {
        // Act
        var refusal = PatientRoleGrants.RefusalOf(RoleNames.Patient, resource, Operations.None, operations);

        // Assert
        Assert.Null(refusal);
    }

    [Fact]
    public void RefusalOf_PatientRoleLosingAStoredRightOnRecordsOfNoPatient_Allowed()
    {
        // Act: the admin takes Update away from rights stored before the rule; Retrieve stays for the moment.
        var refusal = PatientRoleGrants.RefusalOf(RoleNames.Patient, Resource.Account, Operations.Retrieve | Operations.Update, Operations.Retrieve);

        // Assert
        Assert.Null(refusal);
    }

    [Fact]
    public void RefusalOf_StaffRoleGivenAnything_Allowed()
    {
        // Act
        var refusals = Enum.GetValues<Resource>()
            .Select(resource => PatientRoleGrants.RefusalOf(RoleNames.Doctor, resource, Operations.None, Operations.All))
            .OfType<string>();

        // Assert
        Assert.Empty(refusals);
    }

    private static PermissionMatrix Everything(string role) => new(new Dictionary<string, IReadOnlyDictionary<Resource, Operations>>
    {
        [role] = Enum.GetValues<Resource>().ToDictionary(resource => resource, _ => Operations.All),
    });
}
