using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Tests.Infrastructure;

namespace MedicalPortal.Data.Tests.Visits;

public abstract class VisitStoreTests(TestProvider provider) : IAsyncLifetime
{
    private ShardedDatabase _db = default!;

    private IVisitStore Visits => _db.Get<IVisitStore>();

    private IPatientStore Patients => _db.Get<IPatientStore>();

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Theory]
    [InlineData("shard-0")]
    [InlineData("shard-1")]
    public async Task FindAsync_ByVisitIdAlone_FindsTheVisitOnItsPatientsShard(string shard)
    {
        var patient = TestPatients.New(id: TestPatients.IdOnShard(_db.Get<IShardMap>(), shard));
        await Patients.AddAsync(AuditActor.System, patient, CancellationToken.None);
        var visit = TestVisits.For(patient, reason: "Routed by id");
        await Visits.AddAsync(AuditActor.System, visit, CancellationToken.None);

        var found = await Visits.FindAsync(visit.Id, CancellationToken.None);

        Assert.Equal(shard, _db.Get<IShardMap>().ShardForRecord(visit.Id));
        Assert.Equal("Routed by id", found!.Reason);
        Assert.Equal(["Z00.00"], found.DiagnosisCodes);
    }

    [Fact]
    public async Task ListForPatientAsync_PagesNewestFirst_IncludingVisitsAtTheSameMinute()
    {
        var patient = TestPatients.New();
        await Patients.AddAsync(AuditActor.System, patient, CancellationToken.None);
        var times = new[] { -10, -3, -3, -3, -1, -7, -3, -20 }.Select(d => TestPatients.Now.AddDays(d)).ToList();
        var visits = times.Select(t => TestVisits.For(patient, t)).ToList();
        foreach (var visit in visits)
        {
            await Visits.AddAsync(AuditActor.System, visit, CancellationToken.None);
        }

        var seen = new List<VisitDto>();
        string? cursor = null;
        do
        {
            var page = await Visits.ListForPatientAsync(patient.Id, cursor, 3, CancellationToken.None);
            seen.AddRange(page!.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(visits.Select(v => v.Id).Order(), seen.Select(v => v.Id).Order());
        Assert.Equal(seen.Select(v => v.StartedAt).OrderDescending(), seen.Select(v => v.StartedAt));
    }

    [Fact]
    public async Task ListForPatientAsync_UnknownPatient_IsNull() =>
        Assert.Null(await Visits.ListForPatientAsync(Guid.CreateVersion7(), null, 10, CancellationToken.None));

    [Fact]
    public async Task AddAsync_PatientMissing_IsNotFoundAndNothingStored()
    {
        var ghost = TestPatients.New();
        var visit = TestVisits.For(ghost);

        await Assert.ThrowsAsync<RecordNotFoundException>(() => Visits.AddAsync(AuditActor.System, visit, CancellationToken.None));
        Assert.Null(await Visits.FindAsync(visit.Id, CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_IsRefused()
    {
        var patient = TestPatients.New();
        await Patients.AddAsync(AuditActor.System, patient, CancellationToken.None);
        var visit = TestVisits.For(patient);
        await Visits.AddAsync(AuditActor.System, visit, CancellationToken.None);
        await Visits.UpdateAsync(AuditActor.System, visit.Id, 1, patient.BirthDate, TestVisits.Input(reason: "Corrected"), TestPatients.Now, CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Visits.UpdateAsync(AuditActor.System, visit.Id, 1, patient.BirthDate, TestVisits.Input(reason: "Lost"), TestPatients.Now, CancellationToken.None));

        var stored = await Visits.FindAsync(visit.Id, CancellationToken.None);
        Assert.Equal("Corrected", stored!.Reason);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task DeleteAsync_RemovesOnlyThatVisit()
    {
        var patient = TestPatients.New();
        await Patients.AddAsync(AuditActor.System, patient, CancellationToken.None);
        var keep = TestVisits.For(patient, reason: "Keep");
        var remove = TestVisits.For(patient, reason: "Remove");
        await Visits.AddAsync(AuditActor.System, keep, CancellationToken.None);
        await Visits.AddAsync(AuditActor.System, remove, CancellationToken.None);

        await Visits.DeleteAsync(AuditActor.System, remove.Id, 1, CancellationToken.None);

        Assert.Null(await Visits.FindAsync(remove.Id, CancellationToken.None));
        Assert.NotNull(await Visits.FindAsync(keep.Id, CancellationToken.None));
    }

    public sealed class OnSqlite() : VisitStoreTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : VisitStoreTests(TestProvider.Postgres);
}
