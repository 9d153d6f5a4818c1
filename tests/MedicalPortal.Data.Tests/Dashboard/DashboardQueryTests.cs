using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Tests.Infrastructure;

namespace MedicalPortal.Data.Tests.Dashboard;

/// <summary>
/// The queries behind the home page's figures, across two shards on each provider: the day's visits and
/// registrations, a study's consents, the records an account opened, and the chains' last check.
/// </summary>
public abstract class DashboardQueryTests(TestProvider provider) : IAsyncLifetime
{
    private static readonly DateTimeOffset DayStart = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DayEnd = DayStart.AddDays(1);

    private ShardedDatabase _db = default!;

    private IPatientStore Patients => _db.Get<IPatientStore>();

    private IVisitStore Visits => _db.Get<IVisitStore>();

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task RecordedBetweenAsync_CountsTheDaysVisitsOnEveryShard_NewestFirstWithTheirPatients()
    {
        // Arrange: a patient on each shard; visits recorded the day before, during the day (3), and the day after.
        var map = _db.Get<IShardMap>();
        var first = await AddPatientAsync("Amy", "Shardzero", TestPatients.IdOnShard(map, "shard-0"));
        var second = await AddPatientAsync("Bob", "Shardone", TestPatients.IdOnShard(map, "shard-1"));
        await RecordAsync(first, DayStart.AddMinutes(-1), "Before");
        await RecordAsync(first, DayStart.AddHours(9), "Morning");
        await RecordAsync(second, DayStart.AddHours(11), "Late morning");
        var newest = await RecordAsync(second, DayStart.AddHours(15), "Afternoon");
        await RecordAsync(first, DayEnd, "Next day");

        // Act
        var recorded = await Visits.RecordedBetweenAsync(DayStart, DayEnd, 2, CancellationToken.None);

        // Assert
        Assert.Equal(3, recorded.Count);
        Assert.Equal(["Afternoon", "Late morning"], recorded.Newest.Select(v => v.Visit.Reason));
        Assert.Equal(newest.Id, recorded.Newest[0].Visit.Id);
        Assert.Equal("Bob Shardone", recorded.Newest[0].PatientName);
        Assert.Equal(second.Mrn, recorded.Newest[0].Mrn);
        Assert.Equal(DayStart.AddHours(15), recorded.Newest[0].RecordedAt);
        Assert.Empty(recorded.UnavailableShards);
    }

    [Fact]
    public async Task RegisteredBetweenAsync_CountsTheDaysNewPatientsOnEveryShard_NewestFirst()
    {
        // Arrange
        var map = _db.Get<IShardMap>();
        await AddPatientAsync("Cal", "Yesterday", TestPatients.IdOnShard(map, "shard-0"), DayStart.AddSeconds(-1));
        await AddPatientAsync("Dee", "Early", TestPatients.IdOnShard(map, "shard-0"), DayStart);
        await AddPatientAsync("Eli", "Later", TestPatients.IdOnShard(map, "shard-1"), DayStart.AddHours(13));
        await AddPatientAsync("Flo", "Tomorrow", TestPatients.IdOnShard(map, "shard-1"), DayEnd);

        // Act
        var registered = await Patients.RegisteredBetweenAsync(DayStart, DayEnd, 10, CancellationToken.None);

        // Assert
        Assert.Equal(2, registered.Count);
        Assert.Equal(["Later", "Early"], registered.Newest.Select(p => p.Patient.FamilyName));
        Assert.Equal(DayStart.AddHours(13), registered.Newest[0].RegisteredAt);
    }

    [Fact]
    public async Task CountsByStudyAsync_SumsConsentsInForceAndWithdrawnOverTheShards()
    {
        // Arrange: three patients consent to one study (one of them withdraws), one to another.
        var map = _db.Get<IShardMap>();
        var studies = _db.Get<IStudyStore>();
        var first = await studies.AddAsync(AuditActor.System, TestStudies.New(title: "First"), CancellationToken.None);
        var second = await studies.AddAsync(AuditActor.System, TestStudies.New(title: "Second"), CancellationToken.None);
        var enrollments = _db.Get<IEnrollmentStore>();
        var withdrawing = default(EnrollmentDto);
        foreach (var shard in new[] { "shard-0", "shard-1", "shard-1" })
        {
            var patient = await AddPatientAsync("Gil", "Consenter", TestPatients.IdOnShard(map, shard));
            withdrawing = await enrollments.AddAsync(AuditActor.System, Enrollment.Consent(first.Id, patient.Id, TestPatients.Now, TestPatients.Now), CancellationToken.None);
        }

        var other = await AddPatientAsync("Hanna", "Elsewhere", TestPatients.IdOnShard(map, "shard-0"));
        await enrollments.AddAsync(AuditActor.System, Enrollment.Consent(second.Id, other.Id, TestPatients.Now, TestPatients.Now), CancellationToken.None);
        await enrollments.WithdrawAsync(AuditActor.System, withdrawing!.Id, TestPatients.Now, CancellationToken.None);

        // Act
        var counts = await enrollments.CountsByStudyAsync(CancellationToken.None);

        // Assert
        Assert.Equal(new StudyConsents(2, 1), counts.Studies[first.Id]);
        Assert.Equal(new StudyConsents(1, 0), counts.Studies[second.Id]);
        Assert.Empty(counts.UnavailableShards);
    }

    [Fact]
    public async Task RecentlyOpenedByAsync_TheAccountsOwnOpenings_EachOnceMostRecentFirst_NotListsNorOthers()
    {
        // Arrange: the account opens A, B, then A again; a search lists C; someone else opens D.
        var map = _db.Get<IShardMap>();
        var a = await AddPatientAsync("Ann", "Opened", TestPatients.IdOnShard(map, "shard-0"));
        var b = await AddPatientAsync("Ben", "Opened", TestPatients.IdOnShard(map, "shard-1"));
        var c = await AddPatientAsync("Cat", "Listed", TestPatients.IdOnShard(map, "shard-0"));
        var d = await AddPatientAsync("Dan", "Others", TestPatients.IdOnShard(map, "shard-1"));
        var me = new AuditActor("account-me", "me@clinic.test");
        var log = _db.Get<IAccessLog>();
        foreach (var opened in new[] { a, b, a })
        {
            await log.RecordAsync(new AccessRecord(me, AuditAction.Read, Resource.Patient, opened.Id.ToString(), [opened.Id]), CancellationToken.None);
        }

        await log.RecordAsync(new AccessRecord(me, AuditAction.Read, Resource.Patient, null, [c.Id]), CancellationToken.None);
        await log.RecordAsync(
            new AccessRecord(new AuditActor("account-other", "other@clinic.test"), AuditAction.Read, Resource.Patient, d.Id.ToString(), [d.Id]),
            CancellationToken.None);

        // Act
        var recent = await _db.Get<IAuditStore>().RecentlyOpenedByAsync("account-me", Resource.Patient, 10, CancellationToken.None);

        // Assert
        Assert.Equal([a.Id.ToString(), b.Id.ToString()], recent.Select(r => r.ResourceId));
    }

    [Fact]
    public async Task AuditVerificationLog_KeepsEachDatabasesLastCheck_ReplacingTheOneBefore()
    {
        // Arrange
        var log = _db.Get<IAuditVerificationLog>();
        var problem = new ChainProblem(7, ChainProblemKind.Changed, "Entry 7 no longer matches its hash.");
        await log.RecordAsync([new("catalog", 10, null), new("shard-0", 5, problem)], "first.checker@clinic.test", TestPatients.Now, CancellationToken.None);

        // Act: a second check, of one database only.
        await log.RecordAsync([new("shard-0", 6, null)], "verify-audit", TestPatients.Now.AddHours(1), CancellationToken.None);
        var last = await log.LastAsync(CancellationToken.None);

        // Assert
        Assert.Equal(
            [
                new LastVerification("catalog", 10, null, null, TestPatients.Now, "first.checker@clinic.test"),
                new LastVerification("shard-0", 6, null, null, TestPatients.Now.AddHours(1), "verify-audit"),
            ],
            last);
    }

    private async Task<PatientDto> AddPatientAsync(string given, string family, Guid id, DateTimeOffset? registeredAt = null) =>
        await Patients.AddAsync(
            AuditActor.System,
            Patient.Register(id, Mrn.Generate(), TestPatients.Input(given, family), registeredAt ?? TestPatients.Now),
            CancellationToken.None);

    private async Task<VisitDto> RecordAsync(PatientDto patient, DateTimeOffset recordedAt, string reason) =>
        await Visits.AddAsync(
            AuditActor.System,
            Visit.Record(patient.Id, patient.BirthDate, TestVisits.Input(recordedAt.AddMinutes(-30), reason), recordedAt),
            CancellationToken.None);

    public sealed class OnSqlite() : DashboardQueryTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : DashboardQueryTests(TestProvider.Postgres);
}
