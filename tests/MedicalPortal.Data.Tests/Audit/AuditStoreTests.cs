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
/// fixed: one minute between the steps of <see cref="InitializeAsync"/>.
/// </summary>
public abstract class AuditStoreTests(TestProvider provider) : IAsyncLifetime
{
    private const string Shard = "shard-0";
    private const string SearchName = "Storefilter";

    private static readonly TestUser Alice = TestUser.Admin with { AccountId = "alice-id", UserName = "alice@clinic.test" };
    private static readonly TestUser Bob = TestUser.Admin with { AccountId = "bob-id", UserName = "bob@clinic.test" };

    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private ShardedDatabase _db = default!;
    private PatientDto _patient = default!;
    private PatientDto _other = default!;

    private static CancellationToken None => CancellationToken.None;

    private IAuditStore Store => _db.Get<IAuditStore>();

    private static DateTimeOffset Minute(int minute) => TestPatients.Now.AddMinutes(minute);

    public async Task InitializeAsync()
    {
        _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, clock: _clock);
        var map = _db.Get<IShardMap>();
        var store = _db.Get<IPatientStore>();
        var patients = _db.Get<PatientService>();

        // Minute 0: Alice registers two patients on the same shard.
        _patient = await store.AddAsync(AuditActor.Of(Alice), TestPatients.New(family: SearchName, id: TestPatients.IdOnShard(map, Shard)), None);
        _other = await store.AddAsync(AuditActor.Of(Alice), TestPatients.New(family: SearchName, id: TestPatients.IdOnShard(map, Shard)), None);

        _clock.SetUtcNow(Minute(1));
        _patient = await patients.UpdateAsync(Bob, _patient.Id, TestPatients.Input(family: SearchName) with { Phone = "+1 555 010 2030" }, _patient.Version, None);
        _clock.SetUtcNow(Minute(2));
        await patients.GetAsync(Bob, _patient.Id, None);
        _clock.SetUtcNow(Minute(3));
        await _db.Get<VisitService>().RecordAsync(Alice, _other.Id, TestVisits.Input(), None);
        _clock.SetUtcNow(Minute(4));
        await patients.SearchAsync(Alice, PatientSearch.Parse(SearchName, cursor: null, limit: null), None);
        _clock.SetUtcNow(Minute(5));
        await _db.Get<StudyService>().CreateAsync(Bob, TestStudies.Input(), None);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

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
        var exact = TestUser.Admin with { AccountId = "underscore-id", UserName = "dr_lee@clinic.test" };
        var lookalike = TestUser.Admin with { AccountId = "lookalike-id", UserName = "drxlee@clinic.test" };
        await _db.Get<PatientService>().GetAsync(exact, _patient.Id, None);
        await _db.Get<PatientService>().GetAsync(lookalike, _patient.Id, None);

        var page = await QueryAsync(new AuditQuery { Actor = "dr_lee" });

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

    public sealed class OnSqlite() : AuditStoreTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : AuditStoreTests(TestProvider.Postgres);
}
