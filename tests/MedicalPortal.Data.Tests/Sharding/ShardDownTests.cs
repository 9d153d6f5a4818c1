using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Health;
using MedicalPortal.Data.Sharding;
using MedicalPortal.Data.Tests.Export;
using MedicalPortal.Data.Tests.Infrastructure;
using MedicalPortal.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Sharding;

/// <summary>
/// One shard down is not an outage: the other shards' patients are searched, read and written as before; the down
/// shard's patients are refused with <see cref="ShardUnavailableException"/> naming it, and nothing of a refused write
/// is stored. A node starts while the shard is down and lets it serve once it answers again and is migrated.
/// </summary>
public abstract class ShardDownTests : IAsyncLifetime
{
    private const string Down = "shard-1";
    private const string Up = "shard-0";
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>The cool-down after a shard failed to answer (<see cref="DatabaseOptions.ShardCooldownSeconds"/>).</summary>
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(5);

    // The export data set's keys; one retry, so that a server that does not answer is given up on soon.
    private static readonly Dictionary<string, string?> Settings = new(ExportDataSet.Settings)
    {
        ["Database:MaxRetryCount"] = "1",
        ["Database:ShardCooldownSeconds"] = "5",
    };

    private readonly FakeTimeProvider _clock = new(TestPatients.Now);

    private TestDatabases _databases = default!;
    private ShardedDatabase _db = default!;
    private Patient _onDown = default!;
    private Patient _onUp = default!;

    protected abstract Task<TestDatabases> CreateDatabasesAsync();

    /// <summary>Makes the shard stop answering, as a server that stops or a disk that goes away would.</summary>
    protected abstract Task TakeDownAsync(TestDatabases databases, string shard);

    protected abstract Task BringBackAsync(TestDatabases databases, string shard);

    public async Task InitializeAsync()
    {
        try
        {
            _databases = await CreateDatabasesAsync();
            _db = await ShardedDatabase.StartAsync(_databases, clock: _clock, settings: Settings);
            var map = _db.Get<IShardMap>();
            var store = _db.Get<IPatientStore>();
            _onDown = TestPatients.New(family: "Downing", id: TestPatients.IdOnShard(map, Down));
            _onUp = TestPatients.New(family: "Downey", id: TestPatients.IdOnShard(map, Up));
            await store.AddAsync(AuditActor.System, _onDown, None);
            await store.AddAsync(AuditActor.System, _onUp, None);
        }
        catch
        {
            // xUnit does not dispose a class whose start failed: what was started (a server of its own) stops here.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops what the start made, as far as it got; a second call finds nothing left.</summary>
    public virtual async Task DisposeAsync()
    {
        if (_db is { } db)
        {
            _db = null!;
            await db.DisposeAsync();
        }

        if (_databases is { } databases)
        {
            _databases = null!;
            await databases.DisposeAsync();
        }
    }

    [Fact]
    public async Task SearchAsync_OneShardDown_TheOtherShardsPatientsAndTheMissingShardNamed()
    {
        await TakeDownAsync(_databases, Down);

        var page = await _db.Get<IPatientStore>().SearchAsync(PatientSearch.Parse("down", null, 10), None);

        Assert.Equal([_onUp.Id], page.Items.Select(p => p.Id));
        Assert.Equal([Down], page.UnavailableShards);
    }

    [Fact]
    public async Task SearchAsync_ShardBack_EveryPatientAndNoShardMissing()
    {
        await TakeDownAsync(_databases, Down);
        await _db.Get<IPatientStore>().SearchAsync(PatientSearch.Parse("down", null, 10), None);
        await BringBackAsync(_databases, Down);
        var withinTheCooldown = await _db.Get<IPatientStore>().SearchAsync(PatientSearch.Parse("down", null, 10), None);
        _clock.Advance(Cooldown);

        var page = await _db.Get<IPatientStore>().SearchAsync(PatientSearch.Parse("down", null, 10), None);

        Assert.Equal([Down], withinTheCooldown.UnavailableShards);
        Assert.Equal(new[] { _onUp.Id, _onDown.Id }.Order(), page.Items.Select(p => p.Id).Order());
        Assert.Empty(page.UnavailableShards);
    }

    [Fact]
    public async Task Requests_DuringTheCooldown_RefusedAtOnceWithoutAskingTheShard()
    {
        await TakeDownAsync(_databases, Down);
        var store = _db.Get<IPatientStore>();
        await store.SearchAsync(PatientSearch.Parse("down", null, 10), None);

        // Within the cool-down nothing reaches the shard: a broken connection string would not be noticed.
        var refused = await Assert.ThrowsAsync<ShardUnavailableException>(() => store.UpdateAsync(
            AuditActor.System, _onDown.Id, 1, TestPatients.Input(family: "Changed"), TestPatients.Now, None));

        Assert.Null(refused.InnerException);
    }

    [Fact]
    public async Task FindAsync_PatientOnTheDownShard_RefusedNamingTheShard()
    {
        // Another node, whose cache has never held the patient: the read must reach the shard.
        await using var other = await ShardedDatabase.StartAsync(_databases, clock: _clock, settings: Settings);
        await TakeDownAsync(_databases, Down);

        var refused = await Assert.ThrowsAsync<ShardUnavailableException>(() => other.Get<IPatientStore>().FindAsync(_onDown.Id, None));

        Assert.Equal(Down, refused.Shard);
        Assert.Contains("'shard-1'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(_onUp.Id, (await other.Get<IPatientStore>().FindAsync(_onUp.Id, None))?.Id);
    }

    [Fact]
    public async Task AfterTheCooldown_ARecordedReadThatReachesTheShardEndsIt()
    {
        // The patient is cached: reading it reaches the shard only to record who read it.
        var doctor = TestUser.InRoles(RoleNames.Doctor);
        var service = _db.Get<PatientService>();
        var store = _db.Get<IPatientStore>();
        await service.GetAsync(doctor, _onDown.Id, None);
        await TakeDownAsync(_databases, Down);
        var whileDown = await store.SearchAsync(PatientSearch.Parse("down", null, 10), None);
        await BringBackAsync(_databases, Down);
        _clock.Advance(Cooldown);

        // The read is the first request after the cool-down; the update right after it must not be refused.
        var read = await service.GetAsync(doctor, _onDown.Id, None);
        var updated = await store.UpdateAsync(
            AuditActor.System, _onDown.Id, 1, TestPatients.Input(family: "Downing", birthDate: _onDown.BirthDate), TestPatients.Now, None);

        Assert.Equal([Down], whileDown.UnavailableShards);
        Assert.Equal(_onDown.Id, read.Id);
        Assert.Equal(2, updated.Version);
    }

    [Fact]
    public async Task Writes_ToTheDownShard_RefusedAndNothingStored()
    {
        var patients = _db.Get<IPatientStore>();
        var visits = _db.Get<IVisitStore>();
        await TakeDownAsync(_databases, Down);

        var update = await Assert.ThrowsAsync<ShardUnavailableException>(() => patients.UpdateAsync(
            AuditActor.System, _onDown.Id, 1, TestPatients.Input(family: "Changed"), TestPatients.Now, None));
        var visit = await Assert.ThrowsAsync<ShardUnavailableException>(() => visits.AddAsync(AuditActor.System, TestVisits.For(_onDown), None));
        var upVisit = await visits.AddAsync(AuditActor.System, TestVisits.For(_onUp), None);
        await BringBackAsync(_databases, Down);

        Assert.Equal((Down, Down), (update.Shard, visit.Shard));
        await using var fresh = await ShardedDatabase.StartAsync(_databases, clock: _clock, settings: Settings);
        Assert.Equal(("Downing", 1), await fresh.Get<IPatientStore>().FindAsync(_onDown.Id, None) is { } p ? (p.FamilyName, p.Version) : default);
        Assert.Empty((await fresh.Get<IVisitStore>().ListForPatientAsync(_onDown.Id, null, 10, None))!.Items);
        Assert.Equal([upVisit.Id], (await fresh.Get<IVisitStore>().ListForPatientAsync(_onUp.Id, null, 10, None))!.Items.Select(v => v.Id));
        Assert.All(await fresh.Get<IAuditStore>().VerifyAsync(None), chain => Assert.True(chain.IsIntact, chain.Database));
    }

    [Fact]
    public async Task Export_ShardDown_RefusedBeforeAnyRowAndTheExtractionCatchesUpOnceItIsBack()
    {
        await ExportDataSet.WriteAsync(_db);
        _clock.Advance(TimeSpan.FromHours(1));
        var runner = _db.Get<IExtractionRunner>();
        var extractions = _db.Get<IExtractionStore>();
        await TakeDownAsync(_databases, Down);
        using var output = new MemoryStream();

        var refused = await Assert.ThrowsAsync<ShardUnavailableException>(() =>
            _db.Get<ExportService>().DownloadAsync(TestUser.InRoles(RoleNames.Researcher), ExportDataSet.Study, output, None));
        await Assert.ThrowsAnyAsync<Exception>(() => runner.RunAllAsync(None));
        var watermarkWhileDown = await extractions.WatermarkAsync(ExportDataSet.Study, None);
        await BringBackAsync(_databases, Down);
        _clock.Advance(TimeSpan.FromMinutes(10));
        var caughtUp = await runner.RunAllAsync(None);

        Assert.Equal(Down, refused.Shard);
        Assert.Equal(0, output.Length);
        Assert.Null(watermarkWhileDown);
        Assert.True(caughtUp);
        Assert.NotNull(await extractions.WatermarkAsync(ExportDataSet.Study, None));
    }

    [Fact]
    public async Task Load_ShardGoesDownAndComesBack_TheOtherShardNeverFailsAndEveryAcknowledgedVisitIsStoredOnce()
    {
        // Arrange: writers record visits for a patient on each shard, readers search, for the whole outage.
        var visits = _db.Get<IVisitStore>();
        var patients = _db.Get<IPatientStore>();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(Guid Patient, Guid Visit)>();
        var refused = new System.Collections.Concurrent.ConcurrentBag<(Guid Patient, Guid Visit, string Shard)>();
        using var stop = new CancellationTokenSource();

        async Task WriteAsync(Patient patient)
        {
            while (!stop.IsCancellationRequested)
            {
                var visit = TestVisits.For(patient);
                try
                {
                    await visits.AddAsync(AuditActor.System, visit, None);
                    acknowledged.Add((patient.Id, visit.Id));
                }
                catch (ShardUnavailableException e)
                {
                    refused.Add((patient.Id, visit.Id, e.Shard));
                    await Task.Delay(20, None);
                }
            }
        }

        async Task<int> ReadAsync()
        {
            var searches = 0;
            while (!stop.IsCancellationRequested)
            {
                var page = await patients.SearchAsync(PatientSearch.Parse("down", null, 10), None);
                Assert.Contains(_onUp.Id, page.Items.Select(p => p.Id));
                searches++;
            }

            return searches;
        }

        // On threads of their own: SQLite's calls complete synchronously, and a loop started here would never return.
        var load = new List<Task>
        {
            Task.Run(() => WriteAsync(_onDown)), Task.Run(() => WriteAsync(_onDown)),
            Task.Run(() => WriteAsync(_onUp)), Task.Run(() => WriteAsync(_onUp)), Task.Run(ReadAsync),
        };

        // Act: each phase lasts until the load has shown it (a busy machine may take its time), not a fixed while.
        await UntilAsync(() => acknowledged.Any(a => a.Patient == _onDown.Id) && acknowledged.Any(a => a.Patient == _onUp.Id));
        await TakeDownAsync(_databases, Down);
        await UntilAsync(() => !refused.IsEmpty);
        var upBeforeTheOutageEnds = acknowledged.Count(a => a.Patient == _onUp.Id);
        await UntilAsync(() => acknowledged.Count(a => a.Patient == _onUp.Id) > upBeforeTheOutageEnds + 10);
        await BringBackAsync(_databases, Down);
        var downAfterTheOutage = acknowledged.Count(a => a.Patient == _onDown.Id);

        // Time passes for the node from here: a try after a cool-down may still meet a connection the restart cut,
        // and then the next cool-down must end too.
        await UntilAsync(() => acknowledged.Count(a => a.Patient == _onDown.Id) > downAfterTheOutage + 10, timePasses: true);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        async Task UntilAsync(Func<bool> condition, bool timePasses = false)
        {
            // Progress, not speed: the phase fails only if the load makes no progress for a long time.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!condition())
            {
                Assert.False(load.Any(t => t.IsFaulted), "A reader or writer failed.");
                if (timePasses)
                {
                    _clock.Advance(Cooldown);
                }

                await Task.Delay(timePasses ? 200 : 20, timeout.Token);
            }
        }

        // Assert: only the down shard refused; what was acknowledged is stored, once; what was refused is stored only
        // if its commit reached the shard as it went down (then whole, with its audit entries), never twice.
        Assert.All(refused, r => Assert.Equal((Down, _onDown.Id), (r.Shard, r.Patient)));
        await using var fresh = await ShardedDatabase.StartAsync(_databases, clock: _clock, settings: Settings);
        foreach (var patient in new[] { _onDown, _onUp })
        {
            var stored = await AllVisitIdsAsync(fresh.Get<IVisitStore>(), patient.Id);
            Assert.Equal(stored.Count, stored.Distinct().Count());
            var acknowledgedOfPatient = acknowledged.Where(a => a.Patient == patient.Id).Select(a => a.Visit).ToHashSet();
            var triedForPatient = acknowledgedOfPatient.Concat(refused.Where(r => r.Patient == patient.Id).Select(r => r.Visit)).ToHashSet();
            Assert.Superset(acknowledgedOfPatient, stored.ToHashSet());
            Assert.Subset(triedForPatient, stored.ToHashSet());
        }

        Assert.All(await fresh.Get<IAuditStore>().VerifyAsync(None), chain => Assert.True(chain.IsIntact, chain.Database));
    }

    private static async Task<List<Guid>> AllVisitIdsAsync(IVisitStore visits, Guid patientId)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = (await visits.ListForPatientAsync(patientId, cursor, 100, None))!;
            ids.AddRange(page.Items.Select(v => v.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return ids;
    }

    [Fact]
    public async Task HealthCheck_OneShardDown_DegradedNamingIt()
    {
        await TakeDownAsync(_databases, Down);

        var shards = await new ShardsHealthCheck(_db.Get<ShardContextFactory>()).CheckHealthAsync(new HealthCheckContext(), None);

        Assert.Equal(HealthStatus.Degraded, shards.Status);
        Assert.Contains(Down, shards.Description, StringComparison.Ordinal);
        Assert.Equal("down", shards.Data[Down]);
        Assert.Equal("up", shards.Data[Up]);
    }

    [Fact]
    public async Task InitializeServing_ShardDownAtStart_StartsAndServesItOnceItIsBackAndMigrated()
    {
        await _db.DisposeAsync();
        await TakeDownAsync(_databases, Down);

        _db = await ShardedDatabase.StartAsync(_databases, clock: _clock, settings: Settings, serving: true);
        var initializer = _db.Get<IDatabaseInitializer>();
        var whileDown = await _db.Get<IPatientStore>().SearchAsync(PatientSearch.Parse("down", null, 10), None);
        var stillWaiting = await initializer.MigrateWaitingShardsAsync(None);
        await BringBackAsync(_databases, Down);
        var waitingAfter = await initializer.MigrateWaitingShardsAsync(None);
        var afterwards = await _db.Get<IPatientStore>().SearchAsync(PatientSearch.Parse("down", null, 10), None);

        Assert.Equal([_onUp.Id], whileDown.Items.Select(p => p.Id));
        Assert.Equal([Down], whileDown.UnavailableShards);
        Assert.Equal([Down], stillWaiting);
        Assert.Empty(waitingAfter);
        Assert.Equal(2, afterwards.Items.Count);
        Assert.Empty(afterwards.UnavailableShards);
    }

    [Fact]
    public async Task Initialize_ForACommand_ShardDownStopsItNamingTheShard()
    {
        await TakeDownAsync(_databases, Down);

        var refused = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => ShardedDatabase.StartAsync(_databases, clock: _clock, settings: Settings));

        Assert.Equal(Down, refused.Database);
        Assert.Contains("Database:Shards:1:ConnectionString", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A SQLite shard is down when its file cannot be opened (<see cref="SqliteOutage"/>).</summary>
    public sealed class OnSqlite : ShardDownTests
    {
        protected override Task<TestDatabases> CreateDatabasesAsync() => TestDatabases.CreateAsync(TestProvider.Sqlite, shardCount: 2);

        protected override Task TakeDownAsync(TestDatabases databases, string shard)
        {
            SqliteOutage.TakeDown(databases.Shards.Single(s => s.Name == shard).ConnectionString);
            return Task.CompletedTask;
        }

        protected override Task BringBackAsync(TestDatabases databases, string shard)
        {
            SqliteOutage.BringBack(databases.Shards.Single(s => s.Name == shard).ConnectionString);
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// A PostgreSQL shard is down when its server stops: shard-1 lives on a server of this test's own, stopped with
    /// <c>pg_ctl stop -m immediate</c> (as a machine that loses power) and started again on the same port.
    /// </summary>
    public sealed class OnPostgres : ShardDownTests
    {
        private PostgresCluster? _server;

        protected override async Task<TestDatabases> CreateDatabasesAsync()
        {
            _server = await PostgresCluster.StartAsync();
            var databases = await TestDatabases.CreateAsync(TestProvider.Postgres, shardCount: 2);
            return databases.WithShardAt(Down, await _server.CreateDatabaseAsync("shard_1"));
        }

        protected override Task TakeDownAsync(TestDatabases databases, string shard) => _server!.StopAsync(immediate: true);

        protected override Task BringBackAsync(TestDatabases databases, string shard) => _server!.StartAgainAsync();

        public override async Task DisposeAsync()
        {
            try
            {
                await base.DisposeAsync();
            }
            finally
            {
                if (_server is { } server)
                {
                    _server = null;
                    await server.DisposeAsync();
                }
            }
        }
    }
}
