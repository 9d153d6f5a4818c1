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
        _databases = await CreateDatabasesAsync();
        _db = await ShardedDatabase.StartAsync(_databases, settings: ExportDataSet.Settings);
        var map = _db.Get<IShardMap>();
        var store = _db.Get<IPatientStore>();
        _onDown = TestPatients.New(family: "Downing", id: TestPatients.IdOnShard(map, Down));
        _onUp = TestPatients.New(family: "Downey", id: TestPatients.IdOnShard(map, Up));
        await store.AddAsync(AuditActor.System, _onDown, None);
        await store.AddAsync(AuditActor.System, _onUp, None);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _databases.DisposeAsync();
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

        var page = await _db.Get<IPatientStore>().SearchAsync(PatientSearch.Parse("down", null, 10), None);

        Assert.Equal(new[] { _onUp.Id, _onDown.Id }.Order(), page.Items.Select(p => p.Id).Order());
        Assert.Empty(page.UnavailableShards);
    }

    [Fact]
    public async Task FindAsync_PatientOnTheDownShard_RefusedNamingTheShard()
    {
        // Another node, whose cache has never held the patient: the read must reach the shard.
        await using var other = await ShardedDatabase.StartAsync(_databases);
        await TakeDownAsync(_databases, Down);

        var refused = await Assert.ThrowsAsync<ShardUnavailableException>(() => other.Get<IPatientStore>().FindAsync(_onDown.Id, None));

        Assert.Equal(Down, refused.Shard);
        Assert.Contains("'shard-1'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(_onUp.Id, (await other.Get<IPatientStore>().FindAsync(_onUp.Id, None))?.Id);
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
        await using var fresh = await ShardedDatabase.StartAsync(_databases);
        Assert.Equal(("Downing", 1), await fresh.Get<IPatientStore>().FindAsync(_onDown.Id, None) is { } p ? (p.FamilyName, p.Version) : default);
        Assert.Empty((await fresh.Get<IVisitStore>().ListForPatientAsync(_onDown.Id, null, 10, None))!.Items);
        Assert.Equal([upVisit.Id], (await fresh.Get<IVisitStore>().ListForPatientAsync(_onUp.Id, null, 10, None))!.Items.Select(v => v.Id));
        Assert.All(await fresh.Get<IAuditStore>().VerifyAsync(None), chain => Assert.True(chain.IsIntact, chain.Database));
    }

    [Fact]
    public async Task Export_ShardDown_RefusedBeforeAnyRowAndTheExtractionCatchesUpOnceItIsBack()
    {
        await ExportDataSet.WriteAsync(_db);
        var runner = _db.Get<IExtractionRunner>();
        var extractions = _db.Get<IExtractionStore>();
        await TakeDownAsync(_databases, Down);
        using var output = new MemoryStream();

        var refused = await Assert.ThrowsAsync<ShardUnavailableException>(() =>
            _db.Get<ExportService>().DownloadAsync(TestUser.InRoles(RoleNames.Researcher), ExportDataSet.Study, output, None));
        await Assert.ThrowsAnyAsync<Exception>(() => runner.RunAllAsync(None));
        var watermarkWhileDown = await extractions.WatermarkAsync(ExportDataSet.Study, None);
        await BringBackAsync(_databases, Down);
        var caughtUp = await runner.RunAllAsync(None);

        Assert.Equal(Down, refused.Shard);
        Assert.Equal(0, output.Length);
        Assert.Null(watermarkWhileDown);
        Assert.True(caughtUp);
        Assert.NotNull(await extractions.WatermarkAsync(ExportDataSet.Study, None));
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

        _db = await ShardedDatabase.StartAsync(_databases, settings: ExportDataSet.Settings, serving: true);
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

        var refused = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => ShardedDatabase.StartAsync(_databases));

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
}
