using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Caching;

/// <summary>The cache's state for operators.</summary>
public sealed record CacheStatus(string Mode, string State, long EntriesInMemory, CacheCounts Counts);

/// <summary>
/// The read-through, write-through cache in front of the stores (ARCHITECTURE.md section 7). Reads: this node's memory, then
/// Redis when configured, then the database. Writes: <see cref="BeginWriteAsync"/> before the commit keeps readers
/// away from the keys and evicts every node's copy; <see cref="CacheWrite.CompleteAsync"/> after the commit stores the
/// new values. Only committed values are ever stored, and an older value never replaces a newer one. Cache failures
/// never fail an operation: the database answers instead.
/// </summary>
internal sealed partial class RecordCache(
    LocalCacheLayer local,
    RedisCacheLayer? shared,
    CacheMetrics metrics,
    IOptions<CacheOptions> options,
    ILogger<RecordCache> logger)
{
    /// <summary>The version a tombstone carries: above any record's, and exact in Lua's numbers.</summary>
    internal const long TombstoneVersion = 1L << 53;

    private readonly TimeSpan _timeToLive = TimeSpan.FromMinutes(options.Value.TimeToLiveMinutes);

    public CacheStatus Status => new(
        shared is null ? "memory" : "redis",
        shared?.State ?? "in process",
        local.Count,
        metrics.Counts);

    /// <summary>
    /// The cached value of <paramref name="key"/>, or what <paramref name="load"/> finds (null: nothing, not cached).
    /// <paramref name="versionOf"/> gives a loaded value's record version; keys whose values are only ever invalidated
    /// (never written through) may leave it out.
    /// </summary>
    public async Task<T?> GetOrLoadAsync<T>(
        string key,
        Func<CancellationToken, Task<T?>> load,
        CancellationToken cancellationToken,
        Func<T, long>? versionOf = null,
        TimeSpan? timeToLive = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(load);
        var lifetime = timeToLive is { } given && given < _timeToLive ? given : _timeToLive;

        if (shared is null)
        {
            if (local.Find(key) is { } entry)
            {
                metrics.MemoryHit();
                return (T?)entry.Value;
            }

            var stamp = local.Stamp(key);
            metrics.Miss();
            var loaded = await load(cancellationToken);
            if (loaded is not null)
            {
                local.TryFill(key, stamp, new LocalEntry(loaded, versionOf?.Invoke(loaded) ?? 0), lifetime);
            }

            return loaded;
        }

        if (!shared.Available)
        {
            // This node may be missing evictions: neither its memory nor Redis can be trusted until Redis is back.
            metrics.Miss();
            return await load(cancellationToken);
        }

        if (local.Find(key) is { } cached)
        {
            metrics.MemoryHit();
            return (T?)cached.Value;
        }

        var localStamp = local.Stamp(key);
        SharedRead read;
        try
        {
            read = await shared.ReadAsync(key);
        }
        catch (Exception e) when (RedisCacheLayer.IsRedisFailure(e, cancellationToken))
        {
            shared.MarkUnavailable(e);
            metrics.Miss();
            return await load(cancellationToken);
        }

        if (read.Hit)
        {
            metrics.RedisHit();
            var value = read.Data is { Length: > 0 } data ? JsonSerializer.Deserialize(data, CacheJson.TypeInfo<T>()) : null;
            local.TryFill(key, localStamp, new LocalEntry(value, read.Version), lifetime);
            return value;
        }

        metrics.Miss();
        var fresh = await load(cancellationToken);
        if (fresh is null || read.WriteInProgress)
        {
            return fresh;
        }

        var version = versionOf?.Invoke(fresh) ?? 0;
        try
        {
            if (await shared.FillAsync(key, read, version, JsonSerializer.SerializeToUtf8Bytes(fresh, CacheJson.TypeInfo<T>()), lifetime))
            {
                local.TryFill(key, localStamp, new LocalEntry(fresh, version), lifetime);
            }
        }
        catch (Exception e) when (RedisCacheLayer.IsRedisFailure(e, cancellationToken))
        {
            shared.MarkUnavailable(e);
        }

        return fresh;
    }

    /// <summary>
    /// Call before committing a change to what <paramref name="keys"/> cache, and complete the returned write after
    /// the commit. Disposing it without completing (the change failed) invalidates the keys.
    /// </summary>
    public async Task<CacheWrite> BeginWriteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return new CacheWrite(this, keys, begunOnRedis: true); // nothing cached is touched: nothing to tell anyone
        }

        if (shared is null)
        {
            foreach (var key in keys)
            {
                local.BeginWrite(key);
            }

            return new CacheWrite(this, keys);
        }

        // With Redis, this node's memory only ever holds what Redis holds: drop it here, reload it from Redis later.
        foreach (var key in keys)
        {
            local.Evict(key);
        }

        var begun = false;
        if (shared.Available)
        {
            try
            {
                await shared.BeginAsync(keys);
                begun = true;
            }
            catch (Exception e) when (RedisCacheLayer.IsRedisFailure(e, cancellationToken))
            {
                shared.MarkUnavailable(e);
            }
        }

        if (!begun)
        {
            await shared.WaitForOthersToNoticeAsync(cancellationToken);
        }

        return new CacheWrite(this, keys, begun);
    }

    /// <summary>Invalidates <paramref name="keys"/> everywhere, for a change the portal learned of after the fact.</summary>
    public async Task InvalidateAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        await using var write = await BeginWriteAsync(keys, cancellationToken);
        await write.CompleteAsync();
    }

    internal async Task CompleteAsync(IReadOnlyCollection<string> keys, IReadOnlyList<CacheUpdate> updates, bool begunOnRedis)
    {
        var byKey = updates.ToDictionary(u => u.Key, StringComparer.Ordinal);
        if (shared is null)
        {
            foreach (var key in keys)
            {
                local.CompleteWrite(key, byKey.TryGetValue(key, out var update) ? new LocalEntry(update.Value, update.Version) : null);
            }

            return;
        }

        var sharedUpdates = new List<SharedUpdate>(keys.Count);
        foreach (var key in keys)
        {
            local.Evict(key);
            sharedUpdates.Add(byKey.TryGetValue(key, out var update)
                ? new SharedUpdate(key, Invalidate: false, update.Version, update.Serialize())
                : new SharedUpdate(key, Invalidate: true, 0, []));
        }

        if (!shared.Available)
        {
            // Redis misses this write: the epoch moves on before Redis is used again, retiring whatever it holds now.
            // Recorded first and checked again, so that a recovery running meanwhile cannot slip between the two.
            shared.RecordMissedWrite();
            if (!shared.Available)
            {
                metrics.Error();
                return;
            }

            begunOnRedis = false;
        }

        try
        {
            await shared.CompleteAsync(sharedUpdates, _timeToLive, begunOnRedis);
            if (!begunOnRedis)
            {
                // Redis came back during the write: the other nodes were never told to drop their copies.
                await shared.EvictEverywhereAsync(keys);
            }
        }
        catch (Exception e) when (RedisCacheLayer.IsRedisFailure(e, CancellationToken.None))
        {
            shared.MarkUnavailable(e);
            shared.RecordMissedWrite();
            LogCompleteFailed(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A committed change could not be written through to the shared cache; its keys stay marked until Redis is back.")]
    private static partial void LogCompleteFailed(ILogger logger);
}

/// <summary>A new value for a key, written through after the commit; <see cref="Deleted"/> for a record that is gone.</summary>
internal sealed record CacheUpdate(string Key, object? Value, long Version, Func<byte[]> Serialize)
{
    public static CacheUpdate Put<T>(string key, T value, long version)
        where T : class =>
        new(key, value, version, () => JsonSerializer.SerializeToUtf8Bytes(value, CacheJson.TypeInfo<T>()));

    public static CacheUpdate Deleted(string key) => new(key, null, RecordCache.TombstoneVersion, () => []);
}

/// <summary>A write in progress on cached keys; complete it after the commit.</summary>
internal sealed class CacheWrite(RecordCache cache, IReadOnlyCollection<string> keys, bool begunOnRedis = false) : IAsyncDisposable
{
    private bool _completed;

    /// <summary>The change is committed: store <paramref name="updates"/>, invalidate the other keys.</summary>
    public Task CompleteAsync(params IReadOnlyList<CacheUpdate> updates)
    {
        _completed = true;
        return cache.CompleteAsync(keys, updates, begunOnRedis);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            await CompleteAsync();
        }
    }
}
