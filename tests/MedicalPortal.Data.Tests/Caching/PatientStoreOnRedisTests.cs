using System.Collections.Concurrent;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Tests.Infrastructure;
using MedicalPortal.Testing;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Tests.Caching;

/// <summary>
/// The patient store on two nodes as the portal wires them: the same shard databases, the same real Redis, each node
/// its own memory. Patients are updated and read through both while Redis is killed and started again.
/// </summary>
public abstract class PatientStoreOnRedisTests(TestProvider provider) : IAsyncLifetime
{
    private RedisServer _redis = default!;
    private ShardedDatabase _a = default!;
    private ShardedDatabase _b = default!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(persistent: true);
        var settings = new Dictionary<string, string?>
        {
            ["Cache:Redis"] = _redis.Configuration,
            ["Cache:KeyPrefix"] = $"store-{Guid.NewGuid():N}:",
        };
        _a = await ShardedDatabase.CreateAsync(provider, settings: settings);
        _b = await ShardedDatabase.StartAsync(_a.Databases, settings: settings);
        foreach (var node in new[] { _a, _b })
        {
            await WaitUntilConnectedAsync(node);
        }
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task UpdateOnOneNode_IsReadOnTheOther_AtOnce_EvenThoughItWasCachedThere()
    {
        var patient = await _a.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(family: "Cached"), default);
        await _b.Get<IPatientStore>().FindAsync(patient.Id, default);
        await _b.Get<IPatientStore>().FindAsync(patient.Id, default);

        var updated = await _a.Get<IPatientStore>().UpdateAsync(AuditActor.System,
            patient.Id, patient.Version, TestPatients.Input(family: "Renamed"), TestPatients.Now, default);
        var onB = await _b.Get<IPatientStore>().FindAsync(patient.Id, default);

        Assert.Equal(("Renamed", updated.Version), (onB?.FamilyName, onB?.Version));
    }

    [Fact]
    public async Task DeletedOnOneNode_IsGoneOnTheOther_AtOnce()
    {
        var patient = await _a.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(family: "Deleted"), default);
        await _b.Get<IPatientStore>().FindAsync(patient.Id, default);

        await _a.Get<IPatientStore>().DeleteAsync(AuditActor.System, patient.Id, patient.Version, default);

        Assert.Null(await _b.Get<IPatientStore>().FindAsync(patient.Id, default));
    }

    [Fact]
    public async Task RedisKilledMidRun_EveryReadIsAnswered_AndEveryAcknowledgedWriteIsThereAfterRestart()
    {
        var nodes = new[] { _a.Get<IPatientStore>(), _b.Get<IPatientStore>() };
        var patients = new List<PatientDto>();
        for (var i = 0; i < 8; i++)
        {
            patients.Add(await nodes[i % 2].AddAsync(AuditActor.System, TestPatients.New(family: "Outage"), default));
        }

        var acknowledged = new ConcurrentDictionary<Guid, int>(patients.ToDictionary(p => p.Id, p => p.Version));
        using var stop = new CancellationTokenSource();
        var unanswered = 0;
        var reads = 0;
        var writes = 0;

        async Task WriterAsync(int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var id = patients[random.Next(patients.Count)].Id;
                try
                {
                    var saved = await nodes[random.Next(2)].UpdateAsync(AuditActor.System,
                        id, acknowledged[id], TestPatients.Input(family: "Outage", given: $"Version{(char)('a' + random.Next(26))}"), TestPatients.Now, default);
                    acknowledged.AddOrUpdate(id, saved.Version, (_, known) => Math.Max(known, saved.Version));
                    Interlocked.Increment(ref writes);
                }
                catch (ConcurrencyConflictException)
                {
                    // Two writers on one patient: the database turned one away, as it does for two clinicians.
                }
            }
        }

        async Task ReaderAsync(int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var found = await nodes[random.Next(2)].FindAsync(patients[random.Next(patients.Count)].Id, default);
                Interlocked.Increment(ref reads);
                if (found is null)
                {
                    Interlocked.Increment(ref unanswered);
                }
            }
        }

        var load = new List<Task> { Task.Run(() => WriterAsync(1)), Task.Run(() => WriterAsync(2)) };
        load.AddRange(Enumerable.Range(10, 3).Select(seed => Task.Run(() => ReaderAsync(seed))));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await _redis.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await _redis.RestartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        await WaitUntilConnectedAsync(_a);
        await WaitUntilConnectedAsync(_b);
        foreach (var patient in patients)
        {
            var stored = await StoredVersionAsync(patient.Id);
            Assert.Equal(acknowledged[patient.Id], stored);
            Assert.Equal(stored, (await nodes[0].FindAsync(patient.Id, default))?.Version);
            Assert.Equal(stored, (await nodes[1].FindAsync(patient.Id, default))?.Version);
        }

        Assert.Equal(0, unanswered);
        Assert.True(writes > 10 && reads > 100, $"Too little load to mean anything: {writes} writes, {reads} reads.");
    }

    /// <summary>The version in the shard database itself, read past every cache.</summary>
    private async Task<int> StoredVersionAsync(Guid id)
    {
        var shard = _a.Get<IShardMap>().ShardForPatient(id);
        await using var context = _a.OpenShard(shard);
        return await context.Patients.Where(p => p.Id == id).Select(p => p.Version).SingleAsync();
    }

    private static async Task WaitUntilConnectedAsync(ShardedDatabase node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (node.Get<Data.Caching.RecordCache>().Status.State != "connected")
        {
            Assert.True(DateTime.UtcNow < deadline, "The node did not reach Redis within 30 seconds.");
            await Task.Delay(20);
        }
    }

    public sealed class OnSqlite() : PatientStoreOnRedisTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : PatientStoreOnRedisTests(TestProvider.Postgres);
}
