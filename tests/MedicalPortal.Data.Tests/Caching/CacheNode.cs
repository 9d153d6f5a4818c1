using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Caching;
using MedicalPortal.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Tests.Caching;

/// <summary>
/// One portal node's cache, as the portal builds it: its own memory, and (with a Redis) its own connection to the
/// shared layer and the eviction channel. Several nodes on one Redis behave as several web servers do.
/// </summary>
internal sealed class CacheNode : IAsyncDisposable
{
    private readonly ServiceProvider _meters;

    private CacheNode(CacheOptions options)
    {
        _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Metrics = new CacheMetrics(_meters.GetRequiredService<IMeterFactory>());
        Local = new LocalCacheLayer(options.LocalEntries, TimeSpan.FromMinutes(options.TimeToLiveMinutes));
        Shared = options.Redis is null
            ? null
            : new RedisCacheLayer(options, Local, Metrics, NullLogger<RedisCacheLayer>.Instance);
        Cache = new RecordCache(Local, Shared, Metrics, Options.Create(options), NullLogger<RecordCache>.Instance);
    }

    public RecordCache Cache { get; }

    public LocalCacheLayer Local { get; }

    public RedisCacheLayer? Shared { get; }

    public CacheMetrics Metrics { get; }

    public static CacheNode InProcess() => new(new CacheOptions());

    /// <summary>A node on <paramref name="redis"/>, connected. Nodes of one test share <paramref name="prefix"/>.</summary>
    public static async Task<CacheNode> StartAsync(RedisServer redis, string prefix, int writeMarkerSeconds = 60)
    {
        var node = new CacheNode(new CacheOptions
        {
            Redis = redis.Configuration,
            KeyPrefix = prefix,
            WriteMarkerSeconds = writeMarkerSeconds,
        });
        await node.WaitUntilAvailableAsync();
        return node;
    }

    public async Task WaitUntilAvailableAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Shared is { Available: false })
        {
            Assert.True(DateTime.UtcNow < deadline, "The node did not reach Redis within 30 seconds.");
            await Task.Delay(20);
        }
    }

    public async Task WaitUntilUnavailableAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Shared is { Available: true })
        {
            Assert.True(DateTime.UtcNow < deadline, "The node did not notice Redis was gone within 30 seconds.");
            await Task.Delay(20);
        }
    }

    /// <summary>Reads <paramref name="key"/> as a store would, loading from <paramref name="database"/> on a miss.</summary>
    public Task<StudyDto?> ReadAsync(FakeRecords database, string key, Func<Task>? duringLoad = null) =>
        Cache.GetOrLoadAsync(key, async _ =>
        {
            var value = database.Find(key);
            if (duringLoad is not null)
            {
                await duringLoad();
            }

            return value;
        }, CancellationToken.None, s => s.Version);

    /// <summary>A complete write as a store makes it: begin, commit to <paramref name="database"/>, write through.</summary>
    public async Task WriteAsync(FakeRecords database, string key, StudyDto value)
    {
        await using var write = await Cache.BeginWriteAsync([key], CancellationToken.None);
        database.Commit(key, value);
        await write.CompleteAsync(CacheUpdate.Put(key, value, value.Version));
    }

    public async ValueTask DisposeAsync()
    {
        if (Shared is not null)
        {
            await Shared.DisposeAsync();
        }

        Local.Dispose();
        await _meters.DisposeAsync();
    }
}

/// <summary>
/// The committed state the cache sits in front of: what a database would answer now. Tests that are about the cache's
/// interleavings use it so that they can hold a read between its database answer and its cache fill.
/// </summary>
internal sealed class FakeRecords
{
    private readonly ConcurrentDictionary<string, StudyDto> _committed = new(StringComparer.Ordinal);

    public StudyDto? Find(string key) => _committed.TryGetValue(key, out var value) ? value : null;

    public void Commit(string key, StudyDto value) => _committed[key] = value;

    public void Delete(string key) => _committed.TryRemove(key, out _);

    public static StudyDto Version(int version) =>
        new(Guid.Empty, $"Study, version {version}", null, "Dr. Test", StudyStatus.Active, new DateOnly(2026, 1, 1), null, version);
}
