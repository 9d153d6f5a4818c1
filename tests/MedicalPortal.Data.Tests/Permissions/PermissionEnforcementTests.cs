using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Permissions;

/// <summary>
/// Every role x resource x operation, at the service layer, against real databases: exactly the combinations the
/// matrix grants succeed, every other one is refused with <see cref="AccessDeniedException"/> and changes nothing.
/// AuditLog (append-only) and Export (a reading of a study) have only Retrieve.
/// The clock stands still, so the cached matrix never expires by itself: a matrix change can only reach the next call
/// through the invalidation.
/// </summary>
public abstract class PermissionEnforcementTests(TestProvider provider) : IAsyncLifetime
{
    /// <summary>The columns of ARCHITECTURE.md section 3's table, in order.</summary>
    private static readonly Resource[] Columns =
    [
        Resource.Patient, Resource.Visit, Resource.MedicalStudy, Resource.Enrollment,
        Resource.Account, Resource.Role, Resource.AuditLog, Resource.Export,
    ];

    /// <summary>
    /// ARCHITECTURE.md section 3, copied by hand and deliberately not derived from <see cref="DefaultPermissions"/>: if the
    /// product's defaults drift from the design, these tests say so.
    /// </summary>
    private static readonly string[] DesignTable =
    [
        // role        Patient  Visit  MedicalStudy  Enrollment  Account  Role  AuditLog  Export
        "Admin        | CRUD | CRUD | CRUD | CRUD | CRUD | CRUD | R | R",
        "Doctor       | CRU  | CRUD | R    | CRU  | -    | -    | - | -",
        "Nurse        | RU   | CRU  | R    | R    | -    | -    | - | -",
        "Receptionist | CRU  | R    | R    | -    | -    | -    | - | -",
        "Researcher   | -    | -    | CRUD | -    | -    | -    | - | R",
        "Patient      | RU   | R    | R    | CRD  | -    | -    | - | -",
    ];

    /// <summary>What an admin changes in <see cref="ServiceCalls_AfterAdminEditsTheMatrix_ExactlyTheEditedGrantsSucceed"/>.</summary>
    private static readonly (string Role, Resource Resource, string Granted)[] Edits =
    [
        (RoleNames.Nurse, Resource.Visit, "CR"),           // Update on Visit removed
        (RoleNames.Receptionist, Resource.Visit, "CR"),    // Create on Visit granted
        (RoleNames.Researcher, Resource.Patient, "R"),     // a whole new right
        (RoleNames.Doctor, Resource.Enrollment, "CRUD"),   // Delete added
        (RoleNames.Patient, Resource.MedicalStudy, "-"),   // the only right on a resource removed
        (RoleNames.Admin, Resource.Account, "RU"),         // Create and Delete removed, the floor kept
    ];

    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private ShardedDatabase _db = default!;
    private ServiceCalls _calls = default!;

    public static TheoryData<string> SeededRoles => [.. RoleNames.Seeded];

    public async Task InitializeAsync()
    {
        _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, clock: _clock);
        _calls = new ServiceCalls(_db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public void DesignTable_NamesEverySeededRole()
    {
        var table = Parse(DesignTable);

        Assert.Equal(RoleNames.Seeded.Order(StringComparer.Ordinal), table.Keys.Select(k => k.Role).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetMatrixAsync_FreshCatalog_HoldsTheDesignTableInEveryColumn()
    {
        var expected = Parse(DesignTable);

        var matrix = await _db.Get<IPermissionStore>().GetMatrixAsync(CancellationToken.None);

        // Every column is checked here as stored, operations no service call can exercise included.
        var stored = expected.Keys.ToDictionary(cell => cell, cell => matrix.Granted(cell.Role, cell.Resource));
        Assert.Equal(expected.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal), stored.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal));
        Assert.Equal(RoleNames.Seeded.Order(StringComparer.Ordinal), matrix.Roles.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SeededRoles))]
    public async Task ServiceCalls_SeededRoleWithDefaultMatrix_SucceedExactlyWhereTheDesignGrants(string role)
    {
        var expected = Parse(DesignTable);

        var mismatches = await EnumerateAsync(role, own => TestUser.For(role, own), expected);

        AssertNone(mismatches);
    }

    [Fact]
    public async Task ServiceCalls_AfterAdminEditsTheMatrix_ExactlyTheEditedGrantsSucceed()
    {
        var roles = _db.Get<RoleService>();
        var expected = Parse(DesignTable);
        _ = await _db.Get<IPermissionStore>().GetMatrixAsync(CancellationToken.None); // the cached matrix is the old one now
        foreach (var (role, resource, granted) in Edits)
        {
            await roles.GrantAsync(TestUser.Admin, role, resource, ToOperations(granted), CancellationToken.None);
            expected[(role, resource)] = ToOperations(granted);
        }

        var mismatches = new List<string>();
        foreach (var role in RoleNames.Seeded)
        {
            mismatches.AddRange(await EnumerateAsync(role, own => TestUser.For(role, own), expected));
        }

        AssertNone(mismatches);
    }

    [Fact]
    public async Task UpdateAsync_NurseRightAfterAdminRemovesUpdateOnVisit_IsRefusedAndChangesNothing()
    {
        var visits = _db.Get<VisitService>();
        var nurse = TestUser.InRoles(RoleNames.Nurse);
        var patient = TestPatients.New();
        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, patient, CancellationToken.None);
        var visit = await visits.RecordAsync(nurse, patient.Id, TestVisits.Input(), CancellationToken.None);
        var updated = await visits.UpdateAsync(nurse, visit.Id, TestVisits.Input(reason: "First correction"), visit.Version, CancellationToken.None);

        await _db.Get<RoleService>().GrantAsync(
            TestUser.Admin, RoleNames.Nurse, Resource.Visit, Operations.Create | Operations.Retrieve, CancellationToken.None);

        var refusal = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            visits.UpdateAsync(nurse, visit.Id, TestVisits.Input(reason: "Second correction"), updated.Version, CancellationToken.None));
        Assert.True(refusal.IsAuthenticated);
        Assert.Equal((Resource.Visit, Operations.Update), (refusal.Resource, refusal.Operation));
        var stored = await visits.GetAsync(nurse, visit.Id, CancellationToken.None);
        Assert.Equal(("First correction", 2), (stored.Reason, stored.Version));
    }

    [Fact]
    public async Task RecordAsync_ReceptionistRightAfterAdminGrantsCreateOnVisit_Succeeds()
    {
        var visits = _db.Get<VisitService>();
        var receptionist = TestUser.InRoles(RoleNames.Receptionist);
        var patient = TestPatients.New();
        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, patient, CancellationToken.None);
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            visits.RecordAsync(receptionist, patient.Id, TestVisits.Input(), CancellationToken.None));

        await _db.Get<RoleService>().GrantAsync(
            TestUser.Admin, RoleNames.Receptionist, Resource.Visit, Operations.Create | Operations.Retrieve, CancellationToken.None);
        var recorded = await visits.RecordAsync(receptionist, patient.Id, TestVisits.Input(reason: "Front desk"), CancellationToken.None);

        Assert.Equal("Front desk", (await visits.GetAsync(receptionist, recorded.Id, CancellationToken.None)).Reason);
    }

    [Fact]
    public async Task ServiceCalls_CustomRoleJustCreated_AreAllRefused()
    {
        var role = await _db.Get<RoleService>().CreateAsync(TestUser.Admin, "Lab Technician", CancellationToken.None);

        var mismatches = await EnumerateAsync(role.Name, _ => TestUser.InRoles(role.Name), NothingGranted);

        Assert.Empty(role.Grants);
        AssertNone(mismatches);
    }

    [Fact]
    public async Task ServiceCalls_SignedInUserWithoutRoles_AreAllRefused()
    {
        var mismatches = await EnumerateAsync("no role", _ => TestUser.InRoles(), NothingGranted);

        AssertNone(mismatches);
    }

    [Fact]
    public async Task ServiceCalls_NotSignedIn_AreAllRefusedAsUnauthenticated()
    {
        var mismatches = await EnumerateAsync("anonymous", _ => TestUser.Anonymous, NothingGranted);

        AssertNone(mismatches);
    }

    [Fact]
    public async Task ServiceCalls_NotSignedInButCarryingTheAdminRole_AreAllRefusedAsUnauthenticated()
    {
        var mismatches = await EnumerateAsync(
            "anonymous admin", own => TestUser.InRoles(RoleNames.Admin) with { IsAuthenticated = false, PatientId = own }, NothingGranted);

        AssertNone(mismatches);
    }

    private static Dictionary<(string Role, Resource Resource), Operations> NothingGranted => [];

    /// <summary>
    /// Calls every resource x operation as the user <paramref name="userFor"/> makes (given the record it owns) and
    /// returns every difference from <paramref name="expected"/>: a refused call must be an
    /// <see cref="AccessDeniedException"/> for that resource and operation, say whether the caller was signed in, and
    /// leave every database exactly as it was.
    /// </summary>
    private async Task<List<string>> EnumerateAsync(
        string who, Func<Guid, TestUser> userFor, IReadOnlyDictionary<(string Role, Resource Resource), Operations> expected)
    {
        var mismatches = new List<string>();
        foreach (var resource in ServiceCalls.EveryResource)
        {
            foreach (var operation in ServiceCalls.OperationsOf(resource))
            {
                var call = await _calls.ArrangeAsync(resource, operation);
                var user = userFor(call.OwnPatientId);
                var granted = user.Roles.Any(r => (expected.GetValueOrDefault((r, resource)) & operation) == operation);
                var before = granted ? null : await DatabaseFingerprint.TakeAsync(_db);

                var outcome = await ServiceCalls.OutcomeAsync(() => call.InvokeAsync(user));

                var what = $"{who} {operation} {resource}";
                if (granted)
                {
                    if (!outcome.Succeeded)
                    {
                        mismatches.Add($"{what}: expected success, observed {outcome}");
                    }

                    continue;
                }

                if (outcome.Refusal is not { } refusal)
                {
                    mismatches.Add($"{what}: expected refusal, observed {outcome}");
                    continue;
                }

                if (refusal.IsAuthenticated != user.IsAuthenticated || refusal.Resource != resource || refusal.Operation != operation)
                {
                    mismatches.Add($"{what}: refused as IsAuthenticated={refusal.IsAuthenticated} {refusal.Operation} {refusal.Resource}");
                }

                if (await DatabaseFingerprint.TakeAsync(_db) != before)
                {
                    mismatches.Add($"{what}: refused, but the databases changed");
                }
            }
        }

        return mismatches;
    }

    private static void AssertNone(List<string> mismatches) =>
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatch(es):{Environment.NewLine}{string.Join(Environment.NewLine, mismatches)}");

    private static Dictionary<(string Role, Resource Resource), Operations> Parse(string[] table)
    {
        var grants = new Dictionary<(string Role, Resource Resource), Operations>();
        foreach (var line in table)
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            Assert.Equal(Columns.Length + 1, cells.Length);
            for (var i = 0; i < Columns.Length; i++)
            {
                grants[(cells[0], Columns[i])] = ToOperations(cells[i + 1]);
            }
        }

        return grants;
    }

    /// <summary>"CRU" to Create | Retrieve | Update; "-" to none.</summary>
    private static Operations ToOperations(string letters) =>
        letters == "-"
            ? Operations.None
            : letters.Aggregate(Operations.None, (all, letter) => all | letter switch
            {
                'C' => Operations.Create,
                'R' => Operations.Retrieve,
                'U' => Operations.Update,
                'D' => Operations.Delete,
                _ => throw new FormatException($"'{letters}' is not a cell of the permission table."),
            });

    public sealed class OnSqlite() : PermissionEnforcementTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : PermissionEnforcementTests(TestProvider.Postgres);
}
