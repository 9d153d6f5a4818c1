using System.Diagnostics;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>
/// Every write through the Core services leaves exactly one entry per changed entity, in the database of the change,
/// naming the actor and the old and new values; and a save that fails leaves neither the change nor an entry.
/// </summary>
public abstract class AuditSaveChangesInterceptorTests(TestProvider provider) : IAsyncLifetime
{
    private const string FirstPhone = "+1 555 010 2030";
    private const string SecondPhone = "+1 555 010 9999";

    private static readonly TestUser Clerk = TestUser.Admin with { AccountId = "audit-clerk-id", UserName = "clerk@clinic.test" };
    private static readonly DateTimeOffset Consented = TestPatients.Now.AddDays(-1);

    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private readonly FailingWrites _failing = new();
    private ShardedDatabase _db = default!;

    private static CancellationToken None => CancellationToken.None;

    private IShardMap Map => _db.Get<IShardMap>();

    private PatientService Patients => _db.Get<PatientService>();

    private VisitService Visits => _db.Get<VisitService>();

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(
        provider, shardCount: 2, clock: _clock, configure: services => services.AddSingleton<ISaveChangesInterceptor>(_failing));

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task RegisterPatient_ThroughTheService_WritesOneCreateEntryOnThePatientsShard()
    {
        var mark = await AuditTrail.MarkAsync(_db);

        var patient = await Patients.RegisterAsync(Clerk, TestPatients.Input() with { Phone = FirstPhone }, None);

        var shard = Map.ShardForPatient(patient.Id);
        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(shard));
        AssertEntry(entry, AuditAction.Create, Resource.Patient, patient.Id.ToString(), patient.Id);
        Assert.Equal(TestPatients.Now, entry.Timestamp);
        var changes = AuditTrail.SortedChanges(entry);
        Assert.All(changes, c => Assert.Null(c.Old));
        Assert.Equal(
            ["BirthDate", "Bucket", "CreatedAt", "FamilyName", "FamilyNameKey", "GivenName", "GivenNameKey", "Id", "Mrn", "Phone", "Sex", "UpdatedAt", "Version"],
            changes.Select(c => c.Property));
        var stored = await StoredPatientColumnAsync(shard, patient.Mrn, "CreatedAt");
        Assert.Contains(new AuditChange("Mrn", null, patient.Mrn), changes);
        Assert.Contains(new AuditChange("Phone", null, FirstPhone), changes);
        Assert.Contains(new AuditChange("BirthDate", null, "1980-01-01"), changes);
        Assert.Contains(new AuditChange("Sex", null, nameof(Sex.Unknown)), changes);
        Assert.Contains(new AuditChange("Version", null, "1"), changes);
        Assert.Contains(new AuditChange("CreatedAt", null, stored), changes);
    }

    [Fact]
    public async Task UpdatePatient_NewPhone_RecordsExactlyPhoneVersionAndUpdatedAtAsStored()
    {
        var patient = await Patients.RegisterAsync(Clerk, TestPatients.Input() with { Phone = FirstPhone }, None);
        var shard = Map.ShardForPatient(patient.Id);
        var updatedBefore = await StoredPatientColumnAsync(shard, patient.Mrn, "UpdatedAt");
        _clock.Advance(TimeSpan.FromHours(1));
        var mark = await AuditTrail.MarkAsync(_db);

        await Patients.UpdateAsync(Clerk, patient.Id, TestPatients.Input() with { Phone = SecondPhone }, patient.Version, None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(shard));
        AssertEntry(entry, AuditAction.Update, Resource.Patient, patient.Id.ToString(), patient.Id);
        var updatedAfter = await StoredPatientColumnAsync(shard, patient.Mrn, "UpdatedAt");
        Assert.NotEqual(updatedBefore, updatedAfter);
        Assert.Equal(
            [new AuditChange("Phone", FirstPhone, SecondPhone), new AuditChange("UpdatedAt", updatedBefore, updatedAfter), new AuditChange("Version", "1", "2")],
            AuditTrail.SortedChanges(entry));
    }

    [Fact]
    public async Task DeletePatient_WithVisitsAndAnEnrollment_WritesOneDeleteEntryForEachRecordInOneTransaction()
    {
        var study = await _db.Get<StudyService>().CreateAsync(Clerk, TestStudies.Input(), None);
        var patient = await Patients.RegisterAsync(Clerk, TestPatients.Input(), None);
        var first = await Visits.RecordAsync(Clerk, patient.Id, TestVisits.Input(), None);
        var second = await Visits.RecordAsync(Clerk, patient.Id, TestVisits.Input(startedAt: TestPatients.Now.AddDays(-2)), None);
        var enrollment = await _db.Get<EnrollmentService>().EnrollAsync(Clerk, study.Id, patient.Id, Consented, None);
        var mark = await AuditTrail.MarkAsync(_db);

        await Patients.DeleteAsync(Clerk, patient.Id, patient.Version, None);

        var entries = await mark.NewEntriesOnlyInAsync(Map.ShardForPatient(patient.Id));
        Assert.Equal(4, entries.Count);
        Assert.All(entries, e => AssertEntry(e, AuditAction.Delete, Enum.Parse<Resource>(e.Resource), e.ResourceId, patient.Id));
        (string, string)[] expected =
        [
            (nameof(Resource.Enrollment), enrollment.Id.ToString()),
            (nameof(Resource.Patient), patient.Id.ToString()),
            (nameof(Resource.Visit), first.Id.ToString()),
            (nameof(Resource.Visit), second.Id.ToString()),
        ];
        Assert.Equal(expected.Order(), entries.Select(e => (e.Resource, e.ResourceId!)).Order());
        Assert.All(entries, e => Assert.All(AuditTrail.Changes(e), c =>
        {
            Assert.NotNull(c.Old);
            Assert.Null(c.New);
        }));
        Assert.Single(entries.Select(e => e.Timestamp).Distinct());
    }

    [Fact]
    public async Task RecordVisit_ThroughTheService_WritesOneCreateEntryNamingThePatient()
    {
        var patient = await Patients.RegisterAsync(Clerk, TestPatients.Input(), None);
        var mark = await AuditTrail.MarkAsync(_db);

        var visit = await Visits.RecordAsync(Clerk, patient.Id, TestVisits.Input(reason: "Checkup"), None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(Map.ShardForPatient(patient.Id)));
        AssertEntry(entry, AuditAction.Create, Resource.Visit, visit.Id.ToString(), patient.Id);
        var changes = AuditTrail.Changes(entry);
        Assert.Contains(new AuditChange("PatientId", null, patient.Id.ToString()), changes);
        Assert.Contains(new AuditChange("Reason", null, "Checkup"), changes);
        Assert.Contains(new AuditChange("DiagnosisCodes", null, "[\"Z00.00\"]"), changes);
        Assert.Contains(new AuditChange("Systolic", null, "120"), changes);
    }

    [Fact]
    public async Task UpdateVisit_NewReason_RecordsExactlyReasonVersionAndUpdatedAt()
    {
        var patient = await Patients.RegisterAsync(Clerk, TestPatients.Input(), None);
        var visit = await Visits.RecordAsync(Clerk, patient.Id, TestVisits.Input(reason: "Checkup"), None);
        var before = TestPatients.Now;
        _clock.Advance(TimeSpan.FromMinutes(30));
        var mark = await AuditTrail.MarkAsync(_db);

        await Visits.UpdateAsync(Clerk, visit.Id, TestVisits.Input(reason: "Follow-up"), visit.Version, None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(Map.ShardForPatient(patient.Id)));
        AssertEntry(entry, AuditAction.Update, Resource.Visit, visit.Id.ToString(), patient.Id);
        Assert.Equal(
            [
                new AuditChange("Reason", "Checkup", "Follow-up"),
                new AuditChange("UpdatedAt", Instant(before), Instant(_clock.GetUtcNow())),
                new AuditChange("Version", "1", "2"),
            ],
            AuditTrail.SortedChanges(entry));
    }

    [Fact]
    public async Task DeleteVisit_ThroughTheService_WritesOneDeleteEntryWithTheOldValues()
    {
        var patient = await Patients.RegisterAsync(Clerk, TestPatients.Input(), None);
        var visit = await Visits.RecordAsync(Clerk, patient.Id, TestVisits.Input(reason: "Checkup"), None);
        var mark = await AuditTrail.MarkAsync(_db);

        await Visits.DeleteAsync(Clerk, visit.Id, visit.Version, None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(Map.ShardForPatient(patient.Id)));
        AssertEntry(entry, AuditAction.Delete, Resource.Visit, visit.Id.ToString(), patient.Id);
        Assert.Contains(new AuditChange("Reason", "Checkup", null), AuditTrail.Changes(entry));
    }

    [Fact]
    public async Task CreateAndUpdateStudy_ThroughTheService_WriteOneEntryEachInTheCatalog()
    {
        var studies = _db.Get<StudyService>();
        var mark = await AuditTrail.MarkAsync(_db);

        var study = await studies.CreateAsync(Clerk, TestStudies.Input(title: "First title"), None);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await studies.UpdateAsync(Clerk, study.Id, TestStudies.Input(title: "Second title"), study.Version, None);

        var entries = await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog);
        Assert.Equal(2, entries.Count);
        AssertEntry(entries[0], AuditAction.Create, Resource.MedicalStudy, study.Id.ToString(), patientId: null);
        Assert.Contains(new AuditChange("Title", null, "First title"), AuditTrail.Changes(entries[0]));
        AssertEntry(entries[1], AuditAction.Update, Resource.MedicalStudy, study.Id.ToString(), patientId: null);
        Assert.Equal(
            [
                new AuditChange("Title", "First title", "Second title"),
                new AuditChange("UpdatedAt", Instant(TestPatients.Now), Instant(_clock.GetUtcNow())),
                new AuditChange("Version", "1", "2"),
            ],
            AuditTrail.SortedChanges(entries[1]));
    }

    [Fact]
    public async Task EnrollAndWithdraw_ThroughTheService_WriteOneEntryEachOnThePatientsShard()
    {
        var enrollments = _db.Get<EnrollmentService>();
        var study = await _db.Get<StudyService>().CreateAsync(Clerk, TestStudies.Input(), None);
        var patient = await Patients.RegisterAsync(Clerk, TestPatients.Input(), None);
        var mark = await AuditTrail.MarkAsync(_db);

        var enrollment = await enrollments.EnrollAsync(Clerk, study.Id, patient.Id, Consented, None);
        _clock.Advance(TimeSpan.FromDays(1));
        await enrollments.WithdrawAsync(Clerk, enrollment.Id, None);

        var entries = await mark.NewEntriesOnlyInAsync(Map.ShardForPatient(patient.Id));
        Assert.Equal(2, entries.Count);
        AssertEntry(entries[0], AuditAction.Create, Resource.Enrollment, enrollment.Id.ToString(), patient.Id);
        Assert.Contains(new AuditChange("StudyId", null, study.Id.ToString()), AuditTrail.Changes(entries[0]));
        Assert.Contains(new AuditChange("ConsentedAt", null, Instant(Consented)), AuditTrail.Changes(entries[0]));
        AssertEntry(entries[1], AuditAction.Update, Resource.Enrollment, enrollment.Id.ToString(), patient.Id);
        Assert.Equal(
            [
                new AuditChange("UpdatedAt", Instant(TestPatients.Now), Instant(_clock.GetUtcNow())),
                new AuditChange("Version", "1", "2"),
                new AuditChange("WithdrawnAt", null, Instant(_clock.GetUtcNow())),
            ],
            AuditTrail.SortedChanges(entries[1]));
    }

    [Fact]
    public async Task CreateStaffAccount_ThroughTheService_RecordsTheAccountAndItsRoleWithSecretsRedacted()
    {
        var mark = await AuditTrail.MarkAsync(_db);

        var account = await _db.Get<AccountService>().CreateStaffAsync(Clerk, TestAccounts.Staff(RoleNames.Nurse), None);

        var entries = await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog);
        Assert.All(entries, e => AssertEntry(e, Enum.Parse<AuditAction>(e.Action), Resource.Account, e.ResourceId, patientId: null));
        var created = Assert.Single(entries, e => e.Action == nameof(AuditAction.Create) && e.ResourceId == account.Id);
        var changes = AuditTrail.Changes(created);
        Assert.Contains(new AuditChange("Email", null, account.Email), changes);
        Assert.Contains(new AuditChange("PasswordHash", null, "[redacted]"), changes);
        Assert.Contains(new AuditChange("SecurityStamp", null, "[redacted]"), changes);
        var membership = Assert.Single(entries, e => e.ResourceId!.StartsWith(account.Id + "/", StringComparison.Ordinal));
        Assert.Equal(nameof(AuditAction.Create), membership.Action);
        Assert.Equal($"{account.Id}/{await RoleIdAsync(RoleNames.Nurse)}", membership.ResourceId);
        await AssertNoSecretOfAsync(account.Id, entries);
    }

    [Fact]
    public async Task ChangeRole_ThroughTheService_RecordsTheOldAndNewMembershipAndRedactsTheNewStamp()
    {
        var accounts = _db.Get<AccountService>();
        var account = await accounts.CreateStaffAsync(Clerk, TestAccounts.Staff(RoleNames.Nurse), None);
        var stampBefore = await SecretsOfAsync(account.Id);
        var mark = await AuditTrail.MarkAsync(_db);

        await accounts.ChangeRoleAsync(Clerk, account.Id, RoleNames.Doctor, None);

        var entries = await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog);
        Assert.All(entries, e => AssertEntry(e, Enum.Parse<AuditAction>(e.Action), Resource.Account, e.ResourceId, patientId: null));
        var memberships = entries.Where(e => e.ResourceId!.StartsWith(account.Id + "/", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                (nameof(AuditAction.Create), $"{account.Id}/{await RoleIdAsync(RoleNames.Doctor)}"),
                (nameof(AuditAction.Delete), $"{account.Id}/{await RoleIdAsync(RoleNames.Nurse)}"),
            ],
            memberships.Select(e => (e.Action, e.ResourceId!)).Order());
        var stampChange = Assert.Single(entries.SelectMany(e => AuditTrail.Changes(e)), c => c.Property == "SecurityStamp");
        Assert.Equal(new AuditChange("SecurityStamp", "[redacted]", "[redacted]"), stampChange);
        await AssertNoSecretOfAsync(account.Id, entries, stampBefore.SecurityStamp);
    }

    [Fact]
    public async Task DeleteStaffAccount_WithARole_RecordsTheAccountAndItsMembershipAsDeleted()
    {
        var accounts = _db.Get<AccountService>();
        var account = await accounts.CreateStaffAsync(Clerk, TestAccounts.Staff(RoleNames.Nurse), None);
        var mark = await AuditTrail.MarkAsync(_db);

        await accounts.DeleteAsync(Clerk, account.Id, None);

        var entries = await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog);
        Assert.All(entries, e => AssertEntry(e, AuditAction.Delete, Resource.Account, e.ResourceId, patientId: null));
        Assert.Equal(
            [account.Id, $"{account.Id}/{await RoleIdAsync(RoleNames.Nurse)}"],
            entries.Select(e => e.ResourceId!).Order(StringComparer.Ordinal));
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        Assert.False(await catalog.UserRoles.AnyAsync(ur => ur.UserId == account.Id));
    }

    [Fact]
    public async Task GrantPermission_ChangedCell_WritesOneUpdateEntryInTheCatalog()
    {
        var mark = await AuditTrail.MarkAsync(_db);

        await _db.Get<RoleService>().GrantAsync(Clerk, RoleNames.Nurse, Resource.Visit, Operations.All, None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog));
        AssertEntry(entry, AuditAction.Update, Resource.Role, $"{RoleNames.Nurse}/{Resource.Visit}", patientId: null);
        Assert.Equal(
            [new AuditChange("Operations", (Operations.Create | Operations.Retrieve | Operations.Update).ToString(), Operations.All.ToString())],
            AuditTrail.SortedChanges(entry));
    }

    [Fact]
    public async Task GrantPermission_NewCell_WritesOneCreateEntryInTheCatalog()
    {
        var mark = await AuditTrail.MarkAsync(_db);

        await _db.Get<RoleService>().GrantAsync(Clerk, RoleNames.Receptionist, Resource.Enrollment, Operations.Retrieve, None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog));
        AssertEntry(entry, AuditAction.Create, Resource.Role, $"{RoleNames.Receptionist}/{Resource.Enrollment}", patientId: null);
        Assert.Contains(new AuditChange("Operations", null, nameof(Operations.Retrieve)), AuditTrail.Changes(entry));
    }

    [Fact]
    public async Task GrantPermission_SameOperationsAgain_WritesNoEntry()
    {
        var roles = _db.Get<RoleService>();
        await roles.GrantAsync(Clerk, RoleNames.Nurse, Resource.Visit, Operations.All, None);
        var mark = await AuditTrail.MarkAsync(_db);

        await roles.GrantAsync(Clerk, RoleNames.Nurse, Resource.Visit, Operations.All, None);

        Assert.Empty(await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog));
    }

    [Fact]
    public async Task Save_AfterAnotherCallersWrite_NamesOnlyItsOwnActor()
    {
        // The actor of an earlier service call must not leak into a later write.
        await Patients.RegisterAsync(Clerk, TestPatients.Input(), None);
        var patient = TestPatients.New(id: TestPatients.IdOnShard(Map, "shard-1"));
        var mark = await AuditTrail.MarkAsync(_db);

        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, patient, None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync("shard-1"));
        Assert.Null(entry.ActorId);
        Assert.Equal("system", entry.ActorName);
    }

    [Fact]
    public async Task Save_ConcurrentWritesOfTwoActors_EachNamesItsOwn()
    {
        var store = _db.Get<IPatientStore>();
        var first = new AuditActor("first-id", "first@clinic.test");
        var second = new AuditActor("second-id", "second@clinic.test");
        var firstPatient = TestPatients.New(id: TestPatients.IdOnShard(Map, "shard-0"));
        var secondPatient = TestPatients.New(id: TestPatients.IdOnShard(Map, "shard-0"));
        var mark = await AuditTrail.MarkAsync(_db);

        await Task.WhenAll(store.AddAsync(first, firstPatient, None), store.AddAsync(second, secondPatient, None));

        var entries = await mark.NewEntriesOnlyInAsync("shard-0");
        Assert.Equal(
            [(firstPatient.Id, first.AccountId, first.Name), (secondPatient.Id, second.AccountId, second.Name)],
            entries.Select(e => (e.PatientId!.Value, e.ActorId, e.ActorName)).OrderBy(e => e.Item1 == secondPatient.Id));
    }

    [Fact]
    public async Task Save_ContextNamingNoActor_IsRefusedAndWritesNothing()
    {
        var patient = TestPatients.New(id: TestPatients.IdOnShard(Map, "shard-0"));
        var headBefore = await AuditTrail.HeadAsync(_db, "shard-0");
        var mark = await AuditTrail.MarkAsync(_db);
        await using (var context = _db.OpenShard("shard-0"))
        {
            context.Patients.Add(patient);

            var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
            Assert.Contains("names no actor", refusal.Message, StringComparison.Ordinal);
        }

        await AssertNothingWrittenAsync(mark, "shard-0", headBefore);
        Assert.Null(await _db.Get<IPatientStore>().FindAsync(patient.Id, None));
    }

    [Fact]
    public async Task Save_InsideAnActivity_CarriesItsTraceIdAsTheCorrelationId()
    {
        using var activity = new Activity("audit-test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var mark = await AuditTrail.MarkAsync(_db);

        var patient = await Patients.RegisterAsync(Clerk, TestPatients.Input(), None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(Map.ShardForPatient(patient.Id)));
        Assert.Equal(activity.TraceId.ToString(), entry.CorrelationId);
    }

    [Fact]
    public async Task Save_ConstraintViolation_LeavesNeitherTheChangeNorAnEntry()
    {
        var existing = await _db.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(id: TestPatients.IdOnShard(Map, "shard-0")), None);
        var headBefore = await AuditTrail.HeadAsync(_db, "shard-0");
        var mark = await AuditTrail.MarkAsync(_db);

        // Same MRN on the same shard, past the catalog's registry: the shard's unique index refuses it.
        var duplicate = TestPatients.New(mrn: existing.Mrn, id: TestPatients.IdOnShard(Map, "shard-0"));
        await using (var context = _db.OpenShard("shard-0"))
        {
            context.Actor = AuditActor.Of(Clerk);
            context.Patients.Add(duplicate);
            await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
        }

        await AssertNothingWrittenAsync(mark, "shard-0", headBefore);
        Assert.Null(await _db.Get<IPatientStore>().FindAsync(duplicate.Id, None));
    }

    [Fact]
    public async Task Save_OneValidAndOneRefusedRecord_LeavesNeitherAndRetryWritesOnlyTheValidOnesEntry()
    {
        var patient = TestPatients.New(id: TestPatients.IdOnShard(Map, "shard-1"));
        var orphan = TestVisits.For(TestPatients.New(id: TestPatients.IdOnShard(Map, "shard-1")));
        var headBefore = await AuditTrail.HeadAsync(_db, "shard-1");
        var mark = await AuditTrail.MarkAsync(_db);
        await using var context = _db.OpenShard("shard-1");
        context.Actor = AuditActor.Of(Clerk);
        context.Patients.Add(patient);
        context.Visits.Add(orphan);

        // The visit's patient does not exist: the foreign key refuses the whole save, the valid patient included.
        await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
        await AssertNothingWrittenAsync(mark, "shard-1", headBefore);
        Assert.Null(await _db.Get<IPatientStore>().FindAsync(patient.Id, None));

        context.Entry(orphan).State = EntityState.Detached;
        await context.SaveChangesAsync();

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync("shard-1"));
        AssertEntry(entry, AuditAction.Create, Resource.Patient, patient.Id.ToString(), patient.Id);
        Assert.Equal(headBefore.Sequence + 1, entry.Sequence);
        Assert.NotNull(await _db.Get<IPatientStore>().FindAsync(patient.Id, None));
        Assert.All(await _db.Get<IAuditStore>().VerifyAsync(None), v => Assert.True(v.IsIntact, v.Problem?.Description));
    }

    [Fact]
    public async Task RegisterPatient_ExceptionAfterTheEntryWasAppended_LeavesNeitherThePatientNorAnEntry()
    {
        var heads = await HeadsAsync();
        var mark = await AuditTrail.MarkAsync(_db);
        _failing.FailBeforeSaving = true;

        await Assert.ThrowsAsync<InjectedFailureException>(() => Patients.RegisterAsync(Clerk, TestPatients.Input(family: "Injected"), None));

        _failing.FailBeforeSaving = false;
        await AssertNoPatientNamedAsync("Injected");
        await AssertNothingWrittenAsync(mark, heads);
        await AssertTheChainGoesOnAsync(heads);
    }

    [Fact]
    public async Task RegisterPatient_ExceptionOnThePatientsInsert_LeavesNeitherThePatientNorAnEntry()
    {
        var heads = await HeadsAsync();
        var mark = await AuditTrail.MarkAsync(_db);
        _failing.FailOnCommandContaining = "INSERT INTO \"Patients\"";

        var failure = await Assert.ThrowsAsync<DbUpdateException>(() => Patients.RegisterAsync(Clerk, TestPatients.Input(family: "Injected"), None));

        _failing.FailOnCommandContaining = null;
        Assert.IsType<InjectedFailureException>(failure.InnerException);
        await AssertNoPatientNamedAsync("Injected");
        await AssertNothingWrittenAsync(mark, heads);
        await AssertTheChainGoesOnAsync(heads);
    }

    [Fact]
    public async Task UpdatePatient_ExceptionOnTheAuditInsert_LeavesThePatientUnchanged()
    {
        var patient = await Patients.RegisterAsync(Clerk, TestPatients.Input() with { Phone = FirstPhone }, None);
        var heads = await HeadsAsync();
        var mark = await AuditTrail.MarkAsync(_db);
        _failing.FailOnCommandContaining = "INSERT INTO \"AuditLog\"";

        var failure = await Assert.ThrowsAsync<DbUpdateException>(() =>
            Patients.UpdateAsync(Clerk, patient.Id, TestPatients.Input() with { Phone = SecondPhone }, patient.Version, None));

        _failing.FailOnCommandContaining = null;
        Assert.IsType<InjectedFailureException>(failure.InnerException);
        Assert.Equal(patient, await _db.Get<IPatientStore>().FindAsync(patient.Id, None));
        await AssertNothingWrittenAsync(mark, heads);
    }

    private static void AssertEntry(AuditEntry entry, AuditAction action, Resource resource, string? resourceId, Guid? patientId)
    {
        Assert.Equal(action.ToString(), entry.Action);
        Assert.Equal(resource.ToString(), entry.Resource);
        Assert.Equal(resourceId, entry.ResourceId);
        Assert.Equal(patientId, entry.PatientId);
        Assert.Equal(Clerk.AccountId, entry.ActorId);
        Assert.Equal(Clerk.UserName, entry.ActorName);
        Assert.Equal("[]", entry.PatientIds);
    }

    private static string Instant(DateTimeOffset instant) => AuditTrail.InstantText(instant);

    /// <summary>An instant column of the patient as stored, read with raw SQL, in the audit's text form.</summary>
    private async Task<string> StoredPatientColumnAsync(string shard, string mrn, string column) =>
        AuditTrail.InstantText(await AuditTrail.ScalarAsync(_db, shard, $"SELECT \"{column}\" FROM \"Patients\" WHERE \"Mrn\" = @mrn", ("@mrn", mrn)));

    private async Task<string> RoleIdAsync(string role)
    {
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        return await catalog.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleAsync();
    }

    private async Task<(string PasswordHash, string SecurityStamp)> SecretsOfAsync(string accountId)
    {
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        var user = await catalog.Users.AsNoTracking().SingleAsync(u => u.Id == accountId);
        return (user.PasswordHash!, user.SecurityStamp!);
    }

    private async Task AssertNoSecretOfAsync(string accountId, IEnumerable<AuditEntry> entries, params string[] earlierSecrets)
    {
        var (passwordHash, securityStamp) = await SecretsOfAsync(accountId);
        foreach (var entry in entries)
        {
            foreach (var secret in earlierSecrets.Append(passwordHash).Append(securityStamp).Append(TestAccounts.Password))
            {
                Assert.DoesNotContain(secret, entry.Changes, StringComparison.Ordinal);
            }
        }
    }

    private async Task<Dictionary<string, AuditChainHead>> HeadsAsync()
    {
        var heads = new Dictionary<string, AuditChainHead>(StringComparer.Ordinal);
        foreach (var database in AuditTrail.Databases(_db))
        {
            heads[database] = await AuditTrail.HeadAsync(_db, database);
        }

        return heads;
    }

    private async Task AssertNothingWrittenAsync(AuditMark mark, string database, AuditChainHead headBefore) =>
        await AssertNothingWrittenAsync(mark, new Dictionary<string, AuditChainHead> { [database] = headBefore });

    private async Task AssertNothingWrittenAsync(AuditMark mark, Dictionary<string, AuditChainHead> headsBefore)
    {
        Assert.All(await mark.NewEntriesAsync(), w => Assert.Empty(w.Value));
        foreach (var (database, before) in headsBefore)
        {
            var after = await AuditTrail.HeadAsync(_db, database);
            Assert.Equal(before.Sequence, after.Sequence);
            Assert.Equal(before.Hash, after.Hash);
        }
    }

    private async Task AssertNoPatientNamedAsync(string familyName)
    {
        foreach (var shard in _db.ShardNames)
        {
            await using var context = _db.OpenShard(shard);
            Assert.False(await context.Patients.AnyAsync(p => p.FamilyName == familyName), $"{shard} kept the patient of a failed save.");
        }
    }

    /// <summary>The next save extends the chain from the head the failed one left untouched, and every chain verifies.</summary>
    private async Task AssertTheChainGoesOnAsync(Dictionary<string, AuditChainHead> headsBefore)
    {
        var patient = await Patients.RegisterAsync(Clerk, TestPatients.Input(), None);
        var shard = Map.ShardForPatient(patient.Id);
        var entry = (await AuditTrail.EntriesAsync(_db, shard))[^1];
        Assert.Equal(headsBefore[shard].Sequence + 1, entry.Sequence);
        Assert.Equal(headsBefore[shard].Hash, entry.PreviousHash);
        Assert.All(await _db.Get<IAuditStore>().VerifyAsync(None), v => Assert.True(v.IsIntact, v.Problem?.Description));
    }

    public sealed class OnSqlite() : AuditSaveChangesInterceptorTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : AuditSaveChangesInterceptorTests(TestProvider.Postgres);
}
