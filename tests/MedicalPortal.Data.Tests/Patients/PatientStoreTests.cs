using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Tests.Patients;

public abstract class PatientStoreTests(TestProvider provider) : IAsyncLifetime
{
    private ShardedDatabase _db = default!;

    private IPatientStore Store => _db.Get<IPatientStore>();

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task AddAsync_ManyPatients_LandOnBothShardsAndNowhereElse()
    {
        var patients = Enumerable.Range(0, 60).Select(i => TestPatients.New(family: $"Spread{(char)('a' + (i % 26))}{(char)('a' + (i / 26))}")).ToList();
        foreach (var patient in patients)
        {
            await Store.AddAsync(AuditActor.System, patient, CancellationToken.None);
        }

        var map = _db.Get<IShardMap>();
        foreach (var shard in _db.ShardNames)
        {
            await using var context = _db.OpenShard(shard);
            var stored = await context.Patients.Select(p => p.Id).ToListAsync();
            var expected = patients.Where(p => map.ShardForPatient(p.Id) == shard).Select(p => p.Id).ToList();
            Assert.NotEmpty(stored);
            Assert.Equal(expected.Order(), stored.Order());
        }
    }

    [Fact]
    public async Task FindAsync_StoredPatient_ReturnsItFromItsShard()
    {
        var patient = TestPatients.New(given: "Findable", family: "Person");
        await Store.AddAsync(AuditActor.System, patient, CancellationToken.None);

        var found = await Store.FindAsync(patient.Id, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal("Findable", found.GivenName);
        Assert.Equal(1, found.Version);
        Assert.Null(await Store.FindAsync(Guid.CreateVersion7(), CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_SameMrnOnTheOtherShard_IsRefused()
    {
        var map = _db.Get<IShardMap>();
        var first = TestPatients.New(mrn: "CLINIC-0001", id: TestPatients.IdOnShard(map, "shard-0"));
        var second = TestPatients.New(mrn: "CLINIC-0001", id: TestPatients.IdOnShard(map, "shard-1"));
        await Store.AddAsync(AuditActor.System, first, CancellationToken.None);

        await Assert.ThrowsAsync<MrnTakenException>(() => Store.AddAsync(AuditActor.System, second, CancellationToken.None));

        Assert.Null(await Store.FindAsync(second.Id, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_ShardRefusesThePatient_GivesTheMrnBack()
    {
        var original = TestPatients.New(mrn: "FIRST-1");
        await Store.AddAsync(AuditActor.System, original, CancellationToken.None);

        // Same id again: the shard's primary key refuses it after the catalog reserved the new MRN.
        var duplicateId = TestPatients.New(mrn: "SECOND-2", id: original.Id);
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => Store.AddAsync(AuditActor.System, duplicateId, CancellationToken.None));

        var reuser = TestPatients.New(mrn: "SECOND-2");
        var stored = await Store.AddAsync(AuditActor.System, reuser, CancellationToken.None);
        Assert.Equal("SECOND-2", stored.Mrn);
    }

    [Fact]
    public async Task AddAsync_ConcurrentRegistrationsOfOneMrn_ExactlyOneWins()
    {
        var map = _db.Get<IShardMap>();
        var contenders = Enumerable.Range(0, 8)
            .Select(i => TestPatients.New(mrn: "RACE-42", id: TestPatients.IdOnShard(map, _db.ShardNames[i % 2])))
            .ToList();

        var outcomes = await Task.WhenAll(contenders.Select(async p =>
        {
            try
            {
                await Store.AddAsync(AuditActor.System, p, CancellationToken.None);
                return true;
            }
            catch (MrnTakenException)
            {
                return false;
            }
        }));

        Assert.Equal(1, outcomes.Count(won => won));
        var total = 0;
        foreach (var shard in _db.ShardNames)
        {
            await using var context = _db.OpenShard(shard);
            total += await context.Patients.CountAsync(p => p.Mrn == "RACE-42");
        }

        Assert.Equal(1, total);
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_IsRefusedAndNothingChanges()
    {
        var patient = TestPatients.New(given: "Original");
        await Store.AddAsync(AuditActor.System, patient, CancellationToken.None);
        await Store.UpdateAsync(AuditActor.System, patient.Id, 1, TestPatients.Input(given: "Second"), TestPatients.Now, CancellationToken.None);

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Store.UpdateAsync(AuditActor.System, patient.Id, 1, TestPatients.Input(given: "Lost"), TestPatients.Now, CancellationToken.None));

        Assert.Equal(2, conflict.CurrentVersion);
        var stored = await Store.FindAsync(patient.Id, CancellationToken.None);
        Assert.Equal("Second", stored!.GivenName);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentWritersOfOneVersion_ExactlyOneWinsAndNoneIsLost()
    {
        var patient = TestPatients.New();
        await Store.AddAsync(AuditActor.System, patient, CancellationToken.None);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await Store.UpdateAsync(AuditActor.System, patient.Id, 1, TestPatients.Input(given: $"Writer{(char)('A' + i)}"), TestPatients.Now, CancellationToken.None);
                return $"Writer{(char)('A' + i)}";
            }
            catch (ConcurrencyConflictException)
            {
                return null;
            }
        }));

        var winner = Assert.Single(outcomes.OfType<string>());
        var stored = await Store.FindAsync(patient.Id, CancellationToken.None);
        Assert.Equal(winner, stored!.GivenName);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task UpdateAsync_UnknownPatient_IsNotFound() =>
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Store.UpdateAsync(AuditActor.System, Guid.CreateVersion7(), 1, TestPatients.Input(), TestPatients.Now, CancellationToken.None));

    [Fact]
    public async Task DeleteAsync_RemovesThePatientWithTheirVisits()
    {
        var patient = TestPatients.New();
        await Store.AddAsync(AuditActor.System, patient, CancellationToken.None);
        var visits = _db.Get<Core.Visits.IVisitStore>();
        await visits.AddAsync(AuditActor.System, TestVisits.For(patient), CancellationToken.None);

        await Store.DeleteAsync(AuditActor.System, patient.Id, 1, CancellationToken.None);

        Assert.Null(await Store.FindAsync(patient.Id, CancellationToken.None));
        await using var context = _db.OpenShard(_db.Get<IShardMap>().ShardForPatient(patient.Id));
        Assert.False(await context.Visits.AnyAsync(v => v.PatientId == patient.Id));
    }

    [Fact]
    public async Task DeleteAsync_StaleVersion_IsRefused()
    {
        var patient = TestPatients.New();
        await Store.AddAsync(AuditActor.System, patient, CancellationToken.None);
        await Store.UpdateAsync(AuditActor.System, patient.Id, 1, TestPatients.Input(given: "Changed"), TestPatients.Now, CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.DeleteAsync(AuditActor.System, patient.Id, 1, CancellationToken.None));
        Assert.NotNull(await Store.FindAsync(patient.Id, CancellationToken.None));
    }

    public sealed class OnSqlite() : PatientStoreTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : PatientStoreTests(TestProvider.Postgres);
}
