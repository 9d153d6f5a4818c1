using System.Diagnostics;
using System.Globalization;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>Concurrent writers queue on the chain head: every chain stays one unbroken line, whatever the load.</summary>
public abstract class AuditChainTests(TestProvider provider, ITestOutputHelper output)
{
    private const int Writers = 8;
    private const string LostRaces = "lost races";
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task AppendAsync_EightConcurrentWritersForTenSeconds_LeaveIntactChainsWithoutGapsOrForks()
    {
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, clock: new FakeTimeProvider(TestPatients.Now));
        var map = db.Get<IShardMap>();
        var store = db.Get<IPatientStore>();
        var hot = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var shard in db.ShardNames)
        {
            hot[shard] = (await store.AddAsync(AuditActor.System, TestPatients.New(id: TestPatients.IdOnShard(map, shard)), None)).Id;
        }

        var roles = new List<string>();
        for (var i = 0; i < Writers; i++)
        {
            roles.Add((await db.Get<RoleService>().CreateAsync(TestUser.Admin, $"Writer {i}", None)).Name);
        }

        var mark = await AuditTrail.MarkAsync(db);

        var clock = Stopwatch.StartNew();
        var perWriter = await Task.WhenAll(Enumerable.Range(0, Writers)
            .Select(i => Task.Run(() => WriteUntilAsync(db, i, roles[i], hot, clock, Duration))));

        var expected = AuditTrail.Databases(db).ToDictionary(d => d, d => perWriter.Sum(w => w.GetValueOrDefault(d)));
        Assert.All(expected, e => Assert.True(e.Value > Writers, $"{e.Key} saw only {e.Value} changes: the writers did not run."));
        output.WriteLine($"Changes per database: {string.Join(", ", expected.Select(e => $"{e.Key} {e.Value}"))}; lost races: {perWriter.Sum(w => w.GetValueOrDefault(LostRaces))}.");
        var written = await mark.NewEntriesAsync();
        Assert.Equal(expected, written.ToDictionary(w => w.Key, w => w.Value.Count));

        var results = await db.Get<IAuditStore>().VerifyAsync(None);
        Assert.All(results, r => Assert.True(r.IsIntact, $"{r.Database}: {r.Problem?.Description}"));
        foreach (var database in AuditTrail.Databases(db))
        {
            var entries = await AuditTrail.EntriesAsync(db, database);
            Assert.Equal(Enumerable.Range(1, entries.Count).Select(s => (long)s), entries.Select(e => e.Sequence));
            Assert.Equal(entries.Count, entries.Select(e => Convert.ToBase64String(e.PreviousHash)).Distinct().Count());
            Assert.Equal((await AuditTrail.HeadAsync(db, database)).Sequence, entries.Count);
        }
    }

    /// <summary>
    /// One writer: registers, corrects and records through the services on both shards, toggles its own role's grant in
    /// the catalog, and races the others on a shared patient per shard. Returns its successful changes per database, and its lost races.
    /// </summary>
    private static async Task<Dictionary<string, int>> WriteUntilAsync(
        ShardedDatabase db, int writer, string role, Dictionary<string, Guid> hot, Stopwatch clock, TimeSpan duration)
    {
        var user = TestUser.Admin with { AccountId = $"writer-{writer}", UserName = $"writer-{writer}@clinic.test" };
        var map = db.Get<IShardMap>();
        var patients = db.Get<PatientService>();
        var visits = db.Get<VisitService>();
        var grants = db.Get<RoleService>();
        var store = db.Get<IPatientStore>();
        var changes = new Dictionary<string, int>(StringComparer.Ordinal);
        var mine = new List<PatientDto>();
        var myVisits = new List<VisitDto>();

        void Count(string database) => changes[database] = changes.GetValueOrDefault(database) + 1;

        for (var round = 0; clock.Elapsed < duration; round++)
        {
            var phone = string.Create(CultureInfo.InvariantCulture, $"+1 555 {writer:D3} {round % 10000:D4}");
            switch (round % 5)
            {
                case 0:
                    var registered = await patients.RegisterAsync(user, TestPatients.Input(family: "Concurrent"), None);
                    mine.Add(registered);
                    Count(map.ShardForPatient(registered.Id));
                    break;
                case 1:
                    var index = round / 5 % mine.Count;
                    mine[index] = await patients.UpdateAsync(user, mine[index].Id, TestPatients.Input(family: "Concurrent") with { Phone = phone }, mine[index].Version, None);
                    Count(map.ShardForPatient(mine[index].Id));
                    break;
                case 2:
                    var patient = mine[^1];
                    myVisits.Add(await visits.RecordAsync(user, patient.Id, TestVisits.Input(), None));
                    Count(map.ShardForPatient(patient.Id));
                    break;
                case 3:
                    var visit = myVisits[^1];
                    myVisits[^1] = await visits.UpdateAsync(user, visit.Id, TestVisits.Input(reason: $"Round {round}"), visit.Version, None);
                    Count(map.ShardForPatient(visit.PatientId));
                    break;
                default:
                    // Each writer owns its role's cell, and every grant differs from the last: always exactly one change.
                    var operations = round / 5 % 2 == 0 ? Operations.Retrieve : Operations.Retrieve | Operations.Update;
                    await grants.GrantAsync(user, role, Resource.Patient, operations, None);
                    Count(AuditTrail.Catalog);
                    break;
            }

            // Everyone corrects the same patient too: a lost race changes nothing and writes no entry.
            var shard = db.ShardNames[round % db.ShardNames.Count];
            var current = (await store.FindAsync(hot[shard], None))!;
            try
            {
                await patients.UpdateAsync(user, current.Id, TestPatients.Input() with { Phone = phone }, current.Version, None);
                Count(shard);
            }
            catch (ConcurrencyConflictException)
            {
                changes[LostRaces] = changes.GetValueOrDefault(LostRaces) + 1;
            }
        }

        return changes;
    }

    public sealed class OnSqlite(ITestOutputHelper output) : AuditChainTests(TestProvider.Sqlite, output);

    public sealed class OnPostgres(ITestOutputHelper output) : AuditChainTests(TestProvider.Postgres, output);
}
