using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>
/// A query of the audit trail shows old and new values of patient records: it is recorded as a read of the patients
/// its page names, in their shards' chains, with the filters; a query that named nobody is recorded in the catalog's.
/// </summary>
public abstract class AuditQueryAccessTests(TestProvider provider) : IAsyncLifetime
{
    private static readonly TestUser Auditor = TestUser.Admin with { AccountId = "auditor-id", UserName = "auditor@clinic.test" };

    private ShardedDatabase _db = default!;

    private static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task QueryAsync_PageNamingPatientsOnBothShards_RecordsOneReadPerShardNamingItsPatientsWithTheFilters()
    {
        // Arrange
        var map = _db.Get<IShardMap>();
        var onZero = await AddPatientAsync(map, "shard-0");
        var onOne = await AddPatientAsync(map, "shard-1");
        var mark = await AuditTrail.MarkAsync(_db);

        // Act
        var page = await _db.Get<AuditService>().QueryAsync(Auditor, new AuditQuery { Resource = Resource.Patient, Action = AuditAction.Create }, None);

        // Assert
        Assert.Equal(new[] { onZero, onOne }.Order(), page.Items.Select(e => e.PatientId!.Value).Order());
        var written = await mark.NewEntriesAsync();
        Assert.Empty(written[AuditTrail.Catalog]);
        foreach (var (shard, patient) in new[] { ("shard-0", onZero), ("shard-1", onOne) })
        {
            var entry = Assert.Single(written[shard]);
            Assert.Equal(
                (nameof(AuditAction.Read), nameof(Resource.AuditLog), Auditor.AccountId),
                (entry.Action, entry.Resource, entry.ActorId));
            Assert.Equal([patient], AuditTrail.PatientIds(entry));
            Assert.Equal([new AuditChange("resource", null, "Patient"), new AuditChange("action", null, "Create")], AuditTrail.Changes(entry));
        }
    }

    [Fact]
    public async Task QueryAsync_PageNamingNobody_RecordsTheQueryWithItsFiltersInTheCatalog()
    {
        // Arrange
        var mark = await AuditTrail.MarkAsync(_db);
        var from = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        // Act
        var page = await _db.Get<AuditService>().QueryAsync(Auditor, new AuditQuery { Actor = "Nobodyatall", From = from }, None);

        // Assert
        Assert.Empty(page.Items);
        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog));
        Assert.Equal(
            (nameof(AuditAction.Read), nameof(Resource.AuditLog), Auditor.AccountId, Auditor.UserName, (Guid?)null),
            (entry.Action, entry.Resource, entry.ActorId, entry.ActorName, entry.PatientId));
        Assert.Empty(AuditTrail.PatientIds(entry));
        Assert.Equal([new AuditChange("actor", null, "Nobodyatall"), new AuditChange("from", null, "2026-01-02T03:04:05.0000000Z")], AuditTrail.Changes(entry));
        Assert.All(await _db.Get<IAuditStore>().VerifyAsync(None), v => Assert.True(v.IsIntact, v.Problem?.Description));
    }

    [Fact]
    public async Task QueryAsync_RecordReadsOff_RecordsNothing()
    {
        // Arrange
        await using var db = await ShardedDatabase.CreateAsync(
            provider, shardCount: 2, configure: services => services.Configure<AuditOptions>(o => o.RecordReads = false));
        await AddPatientAsync(db.Get<IShardMap>(), "shard-0", db);
        var mark = await AuditTrail.MarkAsync(db);

        // Act
        await db.Get<AuditService>().QueryAsync(Auditor, new AuditQuery(), None);
        await db.Get<AuditService>().QueryAsync(Auditor, new AuditQuery { Actor = "Nobodyatall" }, None);

        // Assert
        Assert.All(await mark.NewEntriesAsync(), w => Assert.Empty(w.Value));
    }

    private async Task<Guid> AddPatientAsync(IShardMap map, string shard, ShardedDatabase? db = null) =>
        (await (db ?? _db).Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(id: TestPatients.IdOnShard(map, shard)), None)).Id;

    public sealed class OnSqlite() : AuditQueryAccessTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : AuditQueryAccessTests(TestProvider.Postgres);
}
