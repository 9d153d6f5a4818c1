using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;

namespace MedicalPortal.Core.Administration;

/// <summary>One shard as this node sees it: whether it answers, and how many patients it holds.</summary>
public sealed record ShardStatus(string Name, bool Reachable, long? Patients);

/// <summary>This node's cache: where it keeps values, whether Redis answers, and what it has served since start.</summary>
public sealed record CacheState(string Mode, string State, long EntriesInMemory, long MemoryHits, long RedisHits, long Misses, long Errors)
{
    public long Reads => MemoryHits + RedisHits + Misses;

    /// <summary>Hits per read, or null before the first read.</summary>
    public double? HitRatio => Reads == 0 ? null : (double)(MemoryHits + RedisHits) / Reads;
}

/// <summary>
/// A bucket move that is not finished (<c>shards move</c>): which buckets go from where to where, the stage it has
/// reached (Copying, Frozen, Flipped) and how many of its buckets the current pass has done.
/// </summary>
public sealed record MoveState(
    int FirstBucket,
    int LastBucket,
    string Source,
    string Target,
    string Stage,
    int BucketsDone,
    string StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt)
{
    public int BucketCount => LastBucket - FirstBucket + 1;
}

/// <summary>
/// What the System page shows an administrator: the shards, the bucket map this node routes by (ranges per shard),
/// a running bucket move, the cache.
/// </summary>
public sealed record SystemStatus(string Node, IReadOnlyList<ShardStatus> Shards, CacheState Cache)
{
    public IReadOnlyList<BucketRange> BucketMap { get; init; } = [];

    public MoveState? Move { get; init; }
}

/// <summary>Reads the state of the shards and the cache. Implemented in Data; callers have already authorized.</summary>
public interface ISystemStatusSource
{
    Task<SystemStatus> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The state of the installation for its administrators: Retrieve on Role, the resource of those who administer the
/// system's access (no resource of its own, so the permission table of ARCHITECTURE.md section 3 stays as it is).
/// </summary>
public sealed class SystemStatusService(ISystemStatusSource source, AccessControl access)
{
    public async Task<SystemStatus> ReadAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Role, Operations.Retrieve, cancellationToken);
        return await source.ReadAsync(cancellationToken);
    }
}
