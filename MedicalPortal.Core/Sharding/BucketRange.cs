namespace MedicalPortal.Core.Sharding;

/// <summary>An inclusive range of buckets assigned to one shard.</summary>
public sealed record BucketRange(int First, int Last, string Shard)
{
    public bool Contains(int bucket) => bucket >= First && bucket <= Last;

    /// <summary>Splits all buckets into contiguous, nearly equal ranges, one per shard, in the order given.</summary>
    public static IReadOnlyList<BucketRange> SplitEvenly(IReadOnlyList<string> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
        {
            throw new ArgumentException("At least one shard is needed.", nameof(shards));
        }

        var ranges = new List<BucketRange>(shards.Count);
        var first = 0;
        for (var i = 0; i < shards.Count; i++)
        {
            var size = (Buckets.Count / shards.Count) + (i < Buckets.Count % shards.Count ? 1 : 0);
            ranges.Add(new BucketRange(first, first + size - 1, shards[i]));
            first += size;
        }

        return ranges;
    }
}
