using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Validation;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>
/// Querying the chains of every database at once: each filter, and newest-first paging with a cursor. The timeline is
/// fixed (<see cref="Timeline"/>), written once per class: the tests only query it, and querying records nothing.
/// </summary>
public abstract class AuditStoreTests(AuditStoreTests.Timeline timeline)
{
    private const string Shard = "shard-0";
    private const string SearchName = "Storefilter";

    private static readonly TestUser Alice = TestUser.Admin with { AccountId = "alice-id", UserName = "alice@clinic.test" };
    private static readonly TestUser Bob = TestUser.Admin with { AccountId = "bob-id", UserName = "bob@clinic.test" };

    private readonly ShardedDatabase _db = timeline.Db;
    private readonly PatientDto _patient = timeline.Patient;
    private readonly PatientDto _other = timeline.Other;

    private static CancellationToken None => CancellationToken.None;

    private IAuditStore Store => _db.Get<IAuditStore>();

    private static DateTimeOffset Minute(int minute) => TestPatients.Now.AddMinutes(minute);

    [Fact]
    public async Task QueryAsync_ByPatient_ReturnsItsChangesAndEveryReadThatShowedItNewestFirst()
    {
        var page = await QueryAsync(new AuditQuery { PatientId = _patient.Id });

        Assert.Equal(
            [
                (Minute(4), AuditAction.Read, (string?)Alice.AccountId),
                (Minute(2), AuditAction.Read, Bob.AccountId),
                (Minute(1), AuditAction.Update, Bob.AccountId),
                (Minute(0), AuditAction.Create, Alice.AccountId),
            ],
            page.Items.Select(e => (e.Timestamp, e.Action, e.ActorId)));
        Assert.All(page.Items, e => Assert.Equal(Shard, e.Database));
        var search = page.Items[0];
        Assert.Null(search.PatientId);
        Assert.Equal(new[] { _patient.Id, _other.Id }.Order(), search.PatientIds.Order());
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task QueryAsync_ByPatient_ShowsWhatChangedFromWhatToWhat()
    {
        var page = await QueryAsync(new AuditQuery { PatientId = _patient.Id, Action = AuditAction.Update });

        var update = Assert.Single(page.Items);
        Assert.Equal((Resource.Patient, _patient.Id.ToString(), "bob@clinic.test"), (update.Resource, update.ResourceId, update.ActorName));
        Assert.Contains(new AuditChange("Phone", null, "+1 555 010 2030"), update.Changes);
    }

    [Theory]
    [InlineData("bob-id")]
    [InlineData("bob")]
    [InlineData("BOB@clinic")]
    public async Task QueryAsync_ByActor_MatchesTheAccountIdOrTheStartOfTheName(string actor)
    {
        var page = await QueryAsync(new AuditQuery { Actor = actor });

        Assert.Equal(
            [
                (Minute(5), AuditAction.Create, Resource.MedicalStudy),
                (Minute(2), AuditAction.Read, Resource.Patient),
                (Minute(1), AuditAction.Update, Resource.Patient),
            ],
            page.Items.Select(e => (e.Timestamp, e.Action, e.Resource)));
        Assert.All(page.Items, e => Assert.Equal(Bob.AccountId, e.ActorId));
    }

    [Fact]
    public async Task QueryAsync_ActorWithALikeWildcard_MatchesOnlyThatName()
    {
        // An installation of its own: the reads this test records would show in the other tests' queries.
        await using var db = await ShardedDatabase.CreateAsync(timeline.Provider, shardCount: 1);
        var patient = await db.Get<IPatientStore>().AddAsync(AuditActor.Of(Alice), TestPatients.New(family: SearchName), None);
        var exact = TestUser.Admin with { AccountId = "underscore-id", UserName = "dr_lee@clinic.test" };
        var lookalike = TestUser.Admin with { AccountId = "lookalike-id", UserName = "drxlee@clinic.test" };
        await db.Get<PatientService>().GetAsync(exact, patient.Id, None);
        await db.Get<PatientService>().GetAsync(lookalike, patient.Id, None);

        var page = await db.Get<IAuditStore>().QueryAsync(new AuditQuery { Actor = "dr_lee" }.Validated(), None);

        Assert.Equal([exact.AccountId], page.Items.Select(e => e.ActorId));
    }

    [Fact]
    public async Task QueryAsync_ByResource_ReturnsOnlyThatResource()
    {
        var page = await QueryAsync(new AuditQuery { Resource = Resource.Visit });

        var visit = Assert.Single(page.Items);
        Assert.Equal((AuditAction.Create, (Guid?)_other.Id, Minute(3)), (visit.Action, visit.PatientId, visit.Timestamp));
    }

    [Fact]
    public async Task QueryAsync_ByAction_ReturnsOnlyThatAction()
    {
        var reads = await QueryAsync(new AuditQuery { Action = AuditAction.Read });
        var updates = await QueryAsync(new AuditQuery { Action = AuditAction.Update });

        Assert.Equal([Minute(4), Minute(2)], reads.Items.Select(e => e.Timestamp));
        Assert.All(reads.Items, e => Assert.Equal(AuditAction.Read, e.Action));
        Assert.Equal((AuditAction.Update, _patient.Id.ToString()), (Assert.Single(updates.Items).Action, updates.Items[0].ResourceId));
    }

    [Fact]
    public async Task QueryAsync_ByTimeRange_ReturnsEntriesWithinBothBoundsInclusive()
    {
        var page = await QueryAsync(new AuditQuery { From = Minute(1), To = Minute(3) });

        Assert.Equal(
            [(Minute(3), AuditAction.Create), (Minute(2), AuditAction.Read), (Minute(1), AuditAction.Update)],
            page.Items.Select(e => (e.Timestamp, e.Action)));
    }

    [Fact]
    public async Task QueryAsync_FiltersCombined_ApplyAll()
    {
        var page = await QueryAsync(new AuditQuery { Actor = "alice", Resource = Resource.Patient, From = Minute(1) });

        var search = Assert.Single(page.Items);
        Assert.Equal((AuditAction.Read, Minute(4)), (search.Action, search.Timestamp));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task QueryAsync_FollowingTheCursor_PagesThroughEveryDatabaseNewestFirstWithoutGapsOrRepeats(int limit)
    {
        var all = await QueryAsync(new AuditQuery { Limit = PageLimits.Max });
        Assert.Null(all.NextCursor);
        Assert.Contains(all.Items, e => e.Database == AuditTrail.Catalog);
        Assert.Contains(all.Items, e => e.Database == Shard);

        var pages = new List<AuditEntryDto>();
        string? cursor = null;
        do
        {
            var page = await QueryAsync(new AuditQuery { Limit = limit, Cursor = cursor });
            Assert.InRange(page.Items.Count, 1, limit);
            pages.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null && pages.Count <= all.Items.Count);

        Assert.Equal(all.Items.Select(e => (e.Database, e.Sequence)), pages.Select(e => (e.Database, e.Sequence)));
        Assert.Equal(pages.Count, pages.Select(e => (e.Database, e.Sequence)).Distinct().Count());
        Assert.Equal(pages.Select(e => e.Timestamp).OrderDescending(), pages.Select(e => e.Timestamp));
        var total = 0;
        foreach (var database in AuditTrail.Databases(_db))
        {
            total += (await AuditTrail.EntriesAsync(_db, database)).Count;
        }

        Assert.Equal(total, pages.Count);
    }

    [Fact]
    public async Task QueryAsync_ByPatientFollowingTheCursor_ReturnsTheSameEntriesAsOnePage()
    {
        var all = await QueryAsync(new AuditQuery { PatientId = _patient.Id });

        var first = await QueryAsync(new AuditQuery { PatientId = _patient.Id, Limit = 3 });
        var second = await QueryAsync(new AuditQuery { PatientId = _patient.Id, Limit = 3, Cursor = first.NextCursor });

        Assert.Equal(all.Items.Select(e => (e.Database, e.Sequence)), first.Items.Concat(second.Items).Select(e => (e.Database, e.Sequence)));
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task QueryAsync_GarbledCursor_IsRefused()
    {
        await Assert.ThrowsAsync<ValidationFailedException>(() => QueryAsync(new AuditQuery { Cursor = "not-a-cursor" }));
    }

    private async Task<Page<AuditEntryDto>> QueryAsync(AuditQuery query) => await Store.QueryAsync(query.Validated(), None);

    /// <summary>One minute between the steps, on one installation per class.</summary>
    public abstract class Timeline(TestProvider provider) : IAsyncLifetime
    {
        private readonly FakeTimeProvider _clock = new(TestPatients.Now);

        public TestProvider Provider => provider;

        public ShardedDatabase Db { get; private set; } = default!;

        /// <summary>Registered by Alice at minute 0, corrected by Bob at minute 1, read by Bob at 2 and found by Alice's search at 4.</summary>
        public PatientDto Patient { get; private set; } = default!;

        /// <summary>Registered by Alice at minute 0 on the same shard, visited at minute 3, found by the search at 4.</summary>
        public PatientDto Other { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            Db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, clock: _clock);
            var map = Db.Get<IShardMap>();
            var store = Db.Get<IPatientStore>();
            var patients = Db.Get<PatientService>();

            // Minute 0: Alice registers two patients on the same shard.
            Patient = await store.AddAsync(AuditActor.Of(Alice), TestPatients.New(family: SearchName, id: TestPatients.IdOnShard(map, Shard)), None);
            Other = await store.AddAsync(AuditActor.Of(Alice), TestPatients.New(family: SearchName, id: TestPatients.IdOnShard(map, Shard)), None);

            _clock.SetUtcNow(Minute(1));
            Patient = await patients.UpdateAsync(Bob, Patient.Id, TestPatients.Input(family: SearchName) with { Phone = "+1 555 010 2030" }, Patient.Version, None);
            _clock.SetUtcNow(Minute(2));
            await patients.GetAsync(Bob, Patient.Id, None);
            _clock.SetUtcNow(Minute(3));
            await Db.Get<VisitService>().RecordAsync(Alice, Other.Id, TestVisits.Input(), None);
            _clock.SetUtcNow(Minute(4));
            await patients.SearchAsync(Alice, PatientSearch.Parse(SearchName, cursor: null, limit: null), None);
            _clock.SetUtcNow(Minute(5));
            await Db.Get<StudyService>().CreateAsync(Bob, TestStudies.Input(), None);
        }

        public async Task DisposeAsync() => await Db.DisposeAsync();
    }

    public sealed class SqliteTimeline() : Timeline(TestProvider.Sqlite);

    public sealed class PostgresTimeline() : Timeline(TestProvider.Postgres);

    public sealed class OnSqlite(SqliteTimeline timeline) : AuditStoreTests(timeline), IClassFixture<SqliteTimeline>;

    public sealed class OnPostgres(PostgresTimeline timeline) : AuditStoreTests(timeline), IClassFixture<PostgresTimeline>;
}
