using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Caching;
using MedicalPortal.Testing;

namespace MedicalPortal.Data.Tests.Caching;

/// <summary>
/// The shared cache against a real redis-server, with two or more nodes: the classic interleavings replayed with held
/// reads and writes, and outages made by killing the server. "Settled" means every node reads what was committed last.
/// </summary>
public sealed class RedisCacheTests(RedisCacheTests.SharedRedis redis) : IClassFixture<RedisCacheTests.SharedRedis>
{
    private const string Key = "study:1";

    private readonly FakeRecords _database = new();
    private readonly string _prefix = $"test-{Guid.NewGuid():N}:";

    [Fact]
    public async Task Read_AfterAWriteOnAnotherNode_ReturnsTheNewValue_EvenIfItWasCachedThere()
    {
        await using var a = await CacheNode.StartAsync(redis.Server, _prefix);
        await using var b = await CacheNode.StartAsync(redis.Server, _prefix);
        _database.Commit(Key, FakeRecords.Version(1));
        await b.ReadAsync(_database, Key);
        await b.ReadAsync(_database, Key); // now in B's memory

        await a.WriteAsync(_database, Key, FakeRecords.Version(2));
        var onB = await b.ReadAsync(_database, Key);

        Assert.Equal(2, onB?.Version);
    }

    [Fact]
    public async Task Read_OnAnotherNodeAfterAWrite_IsServedFromRedisWithoutTheDatabase()
    {
        await using var a = await CacheNode.StartAsync(redis.Server, _prefix);
        await using var b = await CacheNode.StartAsync(redis.Server, _prefix);
        _database.Commit(Key, FakeRecords.Version(1));

        await a.WriteAsync(_database, Key, FakeRecords.Version(2));
        var onB = await b.Cache.GetOrLoadAsync<StudyDto>(Key, _ => throw new InvalidOperationException("Should come from Redis."), CancellationToken.None);

        Assert.Equal(2, onB?.Version);
        Assert.Equal(1, b.Metrics.Counts.RedisHits);
    }

    [Fact]
    public async Task TwoWriters_CompletingInReverseOrder_LeaveTheNewerValueEverywhere()
    {
        await using var a = await CacheNode.StartAsync(redis.Server, _prefix);
        await using var b = await CacheNode.StartAsync(redis.Server, _prefix);
        _database.Commit(Key, FakeRecords.Version(1));

        var first = await a.Cache.BeginWriteAsync([Key], CancellationToken.None);
        _database.Commit(Key, FakeRecords.Version(2));
        var second = await b.Cache.BeginWriteAsync([Key], CancellationToken.None);
        _database.Commit(Key, FakeRecords.Version(3));
        await second.CompleteAsync(CacheUpdate.Put(Key, FakeRecords.Version(3), 3));
        await first.CompleteAsync(CacheUpdate.Put(Key, FakeRecords.Version(2), 2)); // the slow writer arrives last

        Assert.Equal(3, (await a.ReadAsync(_database, Key))?.Version);
        Assert.Equal(3, (await b.ReadAsync(_database, Key))?.Version);
        await using var c = await CacheNode.StartAsync(redis.Server, _prefix);
        Assert.Equal(3, (await c.ReadAsync(_database, Key))?.Version);
    }

    [Fact]
    public async Task ReadersMiss_RacingAWriterOnAnotherNode_NeverStoresTheOldValue()
    {
        await using var a = await CacheNode.StartAsync(redis.Server, _prefix);
        await using var b = await CacheNode.StartAsync(redis.Server, _prefix);
        _database.Commit(Key, FakeRecords.Version(1));
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // B misses and reads version 1 from the database, then stalls before filling the cache.
        var slowReader = b.ReadAsync(_database, Key, async () =>
        {
            loaded.SetResult();
            await release.Task;
        });
        await loaded.Task;
        await a.WriteAsync(_database, Key, FakeRecords.Version(2));
        release.SetResult();
        await slowReader;

        Assert.Equal(2, (await b.ReadAsync(_database, Key))?.Version);
        Assert.Equal(2, (await a.ReadAsync(_database, Key))?.Version);
    }

    [Fact]
    public async Task Read_WhileAWriteIsInProgress_GoesToTheDatabase_AndStoresNothing()
    {
        await using var a = await CacheNode.StartAsync(redis.Server, _prefix);
        await using var b = await CacheNode.StartAsync(redis.Server, _prefix);
        _database.Commit(Key, FakeRecords.Version(1));
        await b.ReadAsync(_database, Key);

        var write = await a.Cache.BeginWriteAsync([Key], CancellationToken.None);
        var during = await b.ReadAsync(_database, Key); // before the commit: version 1 is still the truth
        _database.Commit(Key, FakeRecords.Version(2));
        var afterCommit = await b.ReadAsync(_database, Key); // committed, not yet written through
        await write.CompleteAsync(CacheUpdate.Put(Key, FakeRecords.Version(2), 2));

        Assert.Equal((1, 2), (during?.Version, afterCommit?.Version));
        Assert.Equal(2, (await b.ReadAsync(_database, Key))?.Version);
    }

    [Fact]
    public async Task FailureAfterCommit_NodeDiesBeforeWritingThrough_EveryReadReturnsTheCommittedValue()
    {
        await using var b = await CacheNode.StartAsync(redis.Server, _prefix, writeMarkerSeconds: 1);
        _database.Commit(Key, FakeRecords.Version(1));
        await b.ReadAsync(_database, Key);

        // Node A begins, commits, and dies: its write is never completed nor abandoned.
        var a = await CacheNode.StartAsync(redis.Server, _prefix, writeMarkerSeconds: 1);
        _ = await a.Cache.BeginWriteAsync([Key], CancellationToken.None);
        _database.Commit(Key, FakeRecords.Version(2));
        await a.DisposeAsync();

        var whileMarked = await b.ReadAsync(_database, Key);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the dead writer's marker expires
        var afterExpiry = await b.ReadAsync(_database, Key);
        var cached = await b.Cache.GetOrLoadAsync<StudyDto>(Key, _ => throw new InvalidOperationException("Should be cached."), CancellationToken.None);

        Assert.Equal((2, 2, 2), (whileMarked?.Version, afterExpiry?.Version, cached?.Version));
    }

    [Fact]
    public async Task FailureAfterCommit_ExceptionBeforeWritingThrough_KeysAreInvalidatedEverywhere()
    {
        await using var a = await CacheNode.StartAsync(redis.Server, _prefix);
        await using var b = await CacheNode.StartAsync(redis.Server, _prefix);
        _database.Commit(Key, FakeRecords.Version(1));
        await b.ReadAsync(_database, Key);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var write = await a.Cache.BeginWriteAsync([Key], CancellationToken.None);
            _database.Commit(Key, FakeRecords.Version(2));
            throw new InvalidOperationException("Failed after the commit.");
        });

        Assert.Equal(2, (await b.ReadAsync(_database, Key))?.Version);
        Assert.Equal(2, (await a.ReadAsync(_database, Key))?.Version);
    }

    [Fact]
    public async Task RedisFlushed_NoNodeServesAStaleValue()
    {
        await using var a = await CacheNode.StartAsync(redis.Server, _prefix);
        await using var b = await CacheNode.StartAsync(redis.Server, _prefix);
        _database.Commit(Key, FakeRecords.Version(1));
        _database.Commit("study:2", FakeRecords.Version(4));
        await b.ReadAsync(_database, Key);
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowReader = a.ReadAsync(_database, "study:2", async () =>
        {
            loaded.SetResult();
            await release.Task;
        });
        await loaded.Task;

        await redis.Server.CommandAsync("FLUSHALL");
        await b.WriteAsync(_database, Key, FakeRecords.Version(2));
        await b.WriteAsync(_database, "study:2", FakeRecords.Version(5));
        release.SetResult();
        await slowReader; // loaded version 4 before the flush: must not be stored over version 5

        Assert.Equal(2, (await a.ReadAsync(_database, Key))?.Version);
        Assert.Equal(2, (await b.ReadAsync(_database, Key))?.Version);
        Assert.Equal(5, (await a.ReadAsync(_database, "study:2"))?.Version);
    }

    [Fact]
    public async Task DeleteOnOneNode_ThenALateOlderWriteThroughOnAnother_ReadsAsDeletedEverywhere()
    {
        await using var a = await CacheNode.StartAsync(redis.Server, _prefix);
        await using var b = await CacheNode.StartAsync(redis.Server, _prefix);
        _database.Commit(Key, FakeRecords.Version(1));

        var update = await b.Cache.BeginWriteAsync([Key], CancellationToken.None);
        _database.Commit(Key, FakeRecords.Version(2));
        await using (var delete = await a.Cache.BeginWriteAsync([Key], CancellationToken.None))
        {
            _database.Delete(Key);
            await delete.CompleteAsync(CacheUpdate.Deleted(Key));
        }

        await update.CompleteAsync(CacheUpdate.Put(Key, FakeRecords.Version(2), 2));

        Assert.Null(await a.ReadAsync(_database, Key));
        Assert.Null(await b.ReadAsync(_database, Key));
    }

    /// <summary>One redis-server for the class; each test keeps to its own key prefix.</summary>
    public sealed class SharedRedis : IAsyncLifetime
    {
        public RedisServer Server { get; private set; } = default!;

        public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
