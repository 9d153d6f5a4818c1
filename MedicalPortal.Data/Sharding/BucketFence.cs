namespace MedicalPortal.Data.Sharding;

/// <summary>What a fence on a shard says about the buckets it covers (docs/decisions/0022).</summary>
internal enum FenceState
{
    /// <summary>The buckets are being cut over to another shard: writes wait; reads go on.</summary>
    Frozen,

    /// <summary>The buckets belong to another shard now: rows left here are neither read nor written.</summary>
    Moved,
}

/// <summary>
/// A range of buckets on one shard that a move has fenced. Every write to a shard checks the fences of its buckets in
/// its own transaction, after it has taken the audit chain's head lock, which the move takes to set or change a fence:
/// a write either committed before the fence (and the move copies it) or sees it. Ranges on one shard never overlap.
/// </summary>
internal sealed class BucketFence
{
    public int FirstBucket { get; set; }

    public int LastBucket { get; set; }

    public FenceState State { get; set; }

    /// <summary>The move that set it (<see cref="Catalog.BucketMoveRow.Id"/>).</summary>
    public Guid MoveId { get; set; }
}
