using System.Collections.Concurrent;
using MedicalPortal.Data.Caching;
using MedicalPortal.Testing;

namespace MedicalPortal.Data.Tests.Caching;

/// <summary>
/// Redis going away and coming back, for real: each test has its own redis-server, which keeps every write on disk
/// (so what it held before the outage is still there after, the hard case) and is killed mid-test.
/// </summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private const string Key = "study:1";

    private readonly FakeRecords _database = new();
    private readonly string _prefix = $"test-{Guid.NewGuid():N}:";
    private RedisServer _redis = default!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync(persistent: true);

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task RedisDownDuringAWrite_ReadsComeFromTheDatabase_AndNoStaleValueOnceItIsBack()
    {
        await using var a = await CacheNode.StartAsync(_redis, _prefix);
        await using var b = await CacheNode.StartAsync(_redis, _prefix);
        _database.Commit(Key, FakeRecords.Version(1));
        await a.ReadAsync(_database, Key);
        await b.ReadAsync(_database, Key); // version 1 is in Redis (and on disk) and in both nodes' memory

        await _redis.KillAsync();
        await a.WriteAsync(_database, Key, FakeRecords.Version(2)); // at once: succeeds without Redis, B not told
        var duringOnA = await a.ReadAsync(_database, Key);
        var duringOnB = await b.ReadAsync(_database, Key);

        await _redis.RestartAsync(); // comes back holding version 1
        await a.WaitUntilAvailableAsync();
        await b.WaitUntilAvailableAsync();
        var afterOnA = await a.ReadAsync(_database, Key);
        var afterOnB = await b.ReadAsync(_database, Key);

        Assert.Equal((2, 2), (duringOnA?.Version, duringOnB?.Version));
        Assert.Equal((2, 2), (afterOnA?.Version, afterOnB?.Version));
    }

    [Fact]
    public async Task RedisBackDuringAWrite_TheWriterStillEvictsTheOtherNodesCopies()
    {
        await using var a = await CacheNode.StartAsync(_redis, _prefix);
        await using var b = await CacheNode.StartAsync(_redis, _prefix);
        _database.Commit(Key, FakeRecords.Version(1));

        await _redis.KillAsync();
        await a.WaitUntilUnavailableAsync();
        var write = await a.Cache.BeginWriteAsync([Key], CancellationToken.None); // Redis is down: nobody told
        await _redis.RestartAsync();
        await a.WaitUntilAvailableAsync();
        await b.WaitUntilAvailableAsync();
        await b.ReadAsync(_database, Key);
        await b.ReadAsync(_database, Key); // version 1 in Redis and in B's memory
        _database.Commit(Key, FakeRecords.Version(2));
        await write.CompleteAsync(CacheUpdate.Put(Key, FakeRecords.Version(2), 2));

        Assert.Equal(2, (await b.ReadAsync(_database, Key))?.Version);
        Assert.Equal(2, (await a.ReadAsync(_database, Key))?.Version);
    }

    [Fact]
    public async Task RedisDown_NodeNoticesAtOnce_AndReadsBypassItsMemory()
    {
        await using var a = await CacheNode.StartAsync(_redis, _prefix);
        _database.Commit(Key, FakeRecords.Version(1));
        await a.ReadAsync(_database, Key);

        await _redis.KillAsync();
        await a.WaitUntilUnavailableAsync();
        _database.Commit(Key, FakeRecords.Version(2)); // as another node would, unable to tell this one
        var read = await a.ReadAsync(_database, Key);

        Assert.Equal(2, read?.Version);
        Assert.Equal("unreachable", a.Cache.Status.State);
    }

    [Fact]
    public async Task RedisKilledMidRun_EveryReadIsAnswered_AndEveryAcknowledgedWriteIsThereAfterRestart()
    {
        await using var a = await CacheNode.StartAsync(_redis, _prefix);
        await using var b = await CacheNode.StartAsync(_redis, _prefix);
        CacheNode[] nodes = [a, b];
        var keys = Enumerable.Range(0, 16).Select(i => $"study:{i}").ToArray();
        var locks = keys.ToDictionary(k => k, _ => new SemaphoreSlim(1, 1));
        var acknowledged = new ConcurrentDictionary<string, int>();
        foreach (var key in keys)
        {
            _database.Commit(key, FakeRecords.Version(1));
            acknowledged[key] = 1;
        }

        using var stop = new CancellationTokenSource();
        var unanswered = 0;
        var reads = 0;
        var writes = 0;

        async Task WriterAsync(int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var key = keys[random.Next(keys.Length)];
                var node = nodes[random.Next(nodes.Length)];
                await locks[key].WaitAsync(); // the database's optimistic concurrency, in one line
                try
                {
                    var next = _database.Find(key)!.Version + 1;
                    await node.WriteAsync(_database, key, FakeRecords.Version(next));
                    acknowledged[key] = next;
                    Interlocked.Increment(ref writes);
                }
                finally
                {
                    locks[key].Release();
                }

                await Task.Delay(random.Next(1, 5));
            }
        }

        async Task ReaderAsync(int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var value = await nodes[random.Next(nodes.Length)].ReadAsync(_database, keys[random.Next(keys.Length)]);
                Interlocked.Increment(ref reads);
                if (value is null)
                {
                    Interlocked.Increment(ref unanswered);
                }
            }
        }

        var load = new List<Task> { WriterAsync(1), WriterAsync(2) };
        load.AddRange(Enumerable.Range(10, 4).Select(seed => Task.Run(() => ReaderAsync(seed))));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await _redis.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await _redis.RestartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await stop.CancelAsync();
        await Task.WhenAll(load); // any exception from a read or a write fails the test here

        await a.WaitUntilAvailableAsync();
        await b.WaitUntilAvailableAsync();
        foreach (var key in keys)
        {
            Assert.Equal(acknowledged[key], (await a.ReadAsync(_database, key))?.Version);
            Assert.Equal(acknowledged[key], (await b.ReadAsync(_database, key))?.Version);
        }

        Assert.Equal(0, unanswered);
        Assert.True(writes > 20 && reads > 100, $"Too little load to mean anything: {writes} writes, {reads} reads.");
        Assert.True(a.Metrics.Counts.Errors + b.Metrics.Counts.Errors > 0, "Redis was killed, yet no node saw an error.");
    }
}
