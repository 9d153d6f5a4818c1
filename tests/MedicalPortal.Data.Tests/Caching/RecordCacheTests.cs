using System.Diagnostics.Metrics;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Caching;

namespace MedicalPortal.Data.Tests.Caching;

/// <summary>The cache on one node with no Redis (the embedded default): the same guarantees, in memory.</summary>
public sealed class RecordCacheTests
{
    private const string Key = "study:1";

    private readonly FakeRecords _database = new();

    [Fact]
    public async Task GetOrLoadAsync_SecondRead_IsAMemoryHit()
    {
        await using var node = CacheNode.InProcess();
        _database.Commit(Key, FakeRecords.Version(1));

        await node.ReadAsync(_database, Key);
        _database.Commit(Key, FakeRecords.Version(99)); // changed behind the cache's back: proves the second read is cached
        var second = await node.ReadAsync(_database, Key);

        Assert.Equal(1, second?.Version);
        Assert.Equal(new CacheCounts(MemoryHits: 1, RedisHits: 0, Misses: 1, Errors: 0), node.Metrics.Counts);
    }

    [Fact]
    public async Task WriteAsync_AfterCommit_NextReadReturnsTheNewValueWithoutLoading()
    {
        await using var node = CacheNode.InProcess();
        _database.Commit(Key, FakeRecords.Version(1));
        await node.ReadAsync(_database, Key);

        await node.WriteAsync(_database, Key, FakeRecords.Version(2));
        var read = await node.Cache.GetOrLoadAsync<StudyDto>(Key, _ => throw new InvalidOperationException("Should be cached."), CancellationToken.None);

        Assert.Equal(2, read?.Version);
    }

    [Fact]
    public async Task GetOrLoadAsync_SlowReaderFinishingAfterAWrite_DoesNotStoreItsOldValue()
    {
        await using var node = CacheNode.InProcess();
        _database.Commit(Key, FakeRecords.Version(1));
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var slowReader = node.ReadAsync(_database, Key, async () =>
        {
            loaded.SetResult();
            await release.Task;
        });
        await loaded.Task;
        await node.WriteAsync(_database, Key, FakeRecords.Version(2));
        release.SetResult();
        var slowValue = await slowReader;

        Assert.Equal(1, slowValue?.Version);
        Assert.Equal(2, (await node.ReadAsync(_database, Key))?.Version);
    }

    [Fact]
    public async Task BeginWriteAsync_ChangeFailsBeforeCommit_CachedValueIsDroppedAndReloaded()
    {
        await using var node = CacheNode.InProcess();
        _database.Commit(Key, FakeRecords.Version(1));
        await node.ReadAsync(_database, Key);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var write = await node.Cache.BeginWriteAsync([Key], CancellationToken.None);
            throw new InvalidOperationException("The save failed.");
        });
        var read = await node.ReadAsync(_database, Key);

        Assert.Equal(1, read?.Version);
        Assert.Equal(2, node.Metrics.Counts.Misses);
    }

    [Fact]
    public async Task Deleted_ThenALateOlderWriteThrough_StillReadsAsDeleted()
    {
        await using var node = CacheNode.InProcess();
        _database.Commit(Key, FakeRecords.Version(1));

        await using (var delete = await node.Cache.BeginWriteAsync([Key], CancellationToken.None))
        {
            _database.Delete(Key);
            await delete.CompleteAsync(CacheUpdate.Deleted(Key));
        }

        await using (var late = await node.Cache.BeginWriteAsync([Key], CancellationToken.None))
        {
            await late.CompleteAsync(CacheUpdate.Put(Key, FakeRecords.Version(2), 2));
        }

        Assert.Null(await node.ReadAsync(_database, Key));
    }

    [Fact]
    public async Task GetOrLoadAsync_NothingFound_IsNotCached()
    {
        await using var node = CacheNode.InProcess();

        Assert.Null(await node.ReadAsync(_database, Key));
        _database.Commit(Key, FakeRecords.Version(1));

        Assert.Equal(1, (await node.ReadAsync(_database, Key))?.Version);
    }

    [Fact]
    public async Task GetOrLoadAsync_ReportsMissesAndHitsByLayer_AsOpenTelemetryMetrics()
    {
        await using var node = CacheNode.InProcess();
        var measured = new List<(string Instrument, long Value, string? Layer)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == node.Metrics.Meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var layer = tags.ToArray().FirstOrDefault(t => t.Key == "layer").Value as string;
            lock (measured)
            {
                measured.Add((instrument.Name, value, layer));
            }
        });
        listener.Start();
        _database.Commit(Key, FakeRecords.Version(1));

        await node.ReadAsync(_database, Key);
        await node.ReadAsync(_database, Key);

        Assert.Equal(
            [("medicalportal.cache.misses", 1L, (string?)null), ("medicalportal.cache.hits", 1L, "memory")],
            measured);
    }
}
