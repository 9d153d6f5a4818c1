using System.Diagnostics.Metrics;

namespace MedicalPortal.Data.Caching;

/// <summary>What the cache did since this node started: a snapshot for the System page.</summary>
public sealed record CacheCounts(long MemoryHits, long RedisHits, long Misses, long Errors)
{
    public long Reads => MemoryHits + RedisHits + Misses;

    /// <summary>Hits per read, or null before the first read.</summary>
    public double? HitRatio => Reads == 0 ? null : (double)(MemoryHits + RedisHits) / Reads;
}

/// <summary>
/// Cache hits (by layer), misses and errors, as OpenTelemetry metrics on the <c>MedicalPortal.Cache</c> meter, and as
/// counts for the System page.
/// </summary>
internal sealed class CacheMetrics
{
    public const string MeterName = "MedicalPortal.Cache";

    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _errors;
    private long _memoryHits;
    private long _redisHits;
    private long _missCount;
    private long _errorCount;

    public CacheMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        var meter = Meter;
        _hits = meter.CreateCounter<long>("medicalportal.cache.hits", "{read}", "Reads answered by the cache, by layer.");
        _misses = meter.CreateCounter<long>("medicalportal.cache.misses", "{read}", "Reads that went to the database.");
        _errors = meter.CreateCounter<long>("medicalportal.cache.errors", "{error}", "Failures talking to the shared cache.");
    }

    /// <summary>This node's meter (each host creates its own through its meter factory).</summary>
    internal Meter Meter { get; }

    public CacheCounts Counts => new(
        Interlocked.Read(ref _memoryHits), Interlocked.Read(ref _redisHits), Interlocked.Read(ref _missCount), Interlocked.Read(ref _errorCount));

    public void MemoryHit()
    {
        Interlocked.Increment(ref _memoryHits);
        _hits.Add(1, new KeyValuePair<string, object?>("layer", "memory"));
    }

    public void RedisHit()
    {
        Interlocked.Increment(ref _redisHits);
        _hits.Add(1, new KeyValuePair<string, object?>("layer", "redis"));
    }

    public void Miss()
    {
        Interlocked.Increment(ref _missCount);
        _misses.Add(1);
    }

    public void Error()
    {
        Interlocked.Increment(ref _errorCount);
        _errors.Add(1);
    }
}
