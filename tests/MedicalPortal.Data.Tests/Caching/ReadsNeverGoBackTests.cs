using System.Collections.Concurrent;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Data.Tests.Infrastructure;

namespace MedicalPortal.Data.Tests.Caching;

/// <summary>
/// With this node's memory as the only cache: one clinician changes a record again and again while another reads it.
/// No read may return a version older than one already returned. (A reader that stopped seeing a write's mark before
/// the write's value was stored read the value it replaced: found by the bucket move's load test.)
/// </summary>
public sealed class ReadsNeverGoBackTests
{
    private const int Enough = 300;

    [Fact]
    public async Task FindAsync_WhileTheRecordIsChangedConcurrently_NeverReturnsAnOlderVersionThanItReturnedBefore()
    {
        await using var db = await ShardedDatabase.CreateAsync(TestProvider.Sqlite, shardCount: 1);
        var store = db.Get<IPatientStore>();
        var patient = TestPatients.New(given: "Racer");
        await store.AddAsync(AuditActor.System, patient, CancellationToken.None);
        var wentBack = new ConcurrentBag<string>();
        var (updates, reads) = (0, 0);
        using var stop = new CancellationTokenSource();

        // On threads of their own: SQLite's calls complete synchronously.
        var load = new[]
        {
            Task.Run(async () =>
            {
                var version = 1;
                while (!stop.IsCancellationRequested)
                {
                    var family = "Changed" + new string('e', 1 + (updates % 20));
                    version = (await store.UpdateAsync(AuditActor.System, patient.Id, version, TestPatients.Input("Racer", family), TestPatients.Now, CancellationToken.None)).Version;
                    Interlocked.Increment(ref updates);
                }
            }),
            Task.Run(async () =>
            {
                var seen = 0;
                while (!stop.IsCancellationRequested)
                {
                    var version = (await store.FindAsync(patient.Id, CancellationToken.None))!.Version;
                    if (version < seen)
                    {
                        wentBack.Add($"version {version} after version {seen}");
                    }

                    seen = Math.Max(seen, version);
                    Interlocked.Increment(ref reads);
                }
            }),
        };

        // Enough interleavings to tell (the race it guards against showed within seconds), however busy the machine:
        // run until the writer has written 300 times (and the reader read as often), within two minutes.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((Volatile.Read(ref updates) < Enough || Volatile.Read(ref reads) < Enough) && DateTime.UtcNow < deadline && !load.Any(t => t.IsCompleted))
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.True(updates >= Enough && reads >= Enough, $"{updates} updates and {reads} reads in two minutes: too few to tell.");
        Assert.Empty(wentBack);
    }
}
