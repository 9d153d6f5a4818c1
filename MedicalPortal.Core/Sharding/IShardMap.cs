namespace MedicalPortal.Core.Sharding;

/// <summary>The catalog's map of bucket ranges to shards.</summary>
public interface IShardMap
{
    /// <summary>Every shard that holds at least one bucket, in a stable order.</summary>
    IReadOnlyList<string> Shards { get; }

    IReadOnlyList<BucketRange> Ranges { get; }

    string ShardForBucket(int bucket);
}

public static class ShardMapExtensions
{
    public static string ShardForPatient(this IShardMap map, Guid patientId)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.ShardForBucket(Buckets.ForPatient(patientId));
    }

    /// <summary>The shard of a visit or enrollment, from the bucket its id carries.</summary>
    public static string ShardForRecord(this IShardMap map, Guid recordId)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.ShardForBucket(Buckets.OfRecordId(recordId));
    }
}
