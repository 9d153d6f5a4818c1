using MedicalPortal.Core.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// A write met a fence of a bucket move on its shard (after it took the audit chain's head lock): nothing was written.
/// The write path waits out <see cref="FenceState.Frozen"/> and follows <see cref="FenceState.Moved"/> to the new shard.
/// </summary>
internal sealed class BucketFencedException : Exception
{
    public BucketFencedException()
        : this(0, FenceState.Frozen)
    {
    }

    public BucketFencedException(string message)
        : base(message)
    {
    }

    public BucketFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BucketFencedException(int bucket, FenceState state)
        : base($"Bucket {bucket} is {state.ToString().ToLowerInvariant()} by a bucket move on this shard.")
    {
        Bucket = bucket;
        State = state;
    }

    public int Bucket { get; }

    public FenceState State { get; }
}

/// <summary>The fences of a shard: read in the write's own transaction, after the head lock (docs/decisions/0022).</summary>
internal static class Fences
{
    /// <summary>Throws <see cref="BucketFencedException"/> if one of <paramref name="fences"/> covers one of <paramref name="buckets"/>.</summary>
    public static void ThrowIfFenced(IReadOnlyList<BucketFence> fences, IEnumerable<int> buckets)
    {
        if (fences.Count == 0)
        {
            return;
        }

        foreach (var bucket in buckets.Distinct())
        {
            if (fences.FirstOrDefault(f => f.FirstBucket <= bucket && f.LastBucket >= bucket) is { } fence)
            {
                throw new BucketFencedException(bucket, fence.State);
            }
        }
    }

    /// <summary>The buckets of the patients the entries name (a change names one; a search may name several).</summary>
    public static IEnumerable<int> BucketsOf(Audit.AuditEntry entry)
    {
        if (entry.PatientId is { } patientId)
        {
            yield return Buckets.ForPatient(patientId);
        }

        if (entry.PatientIds.Length > 2)
        {
            foreach (var id in System.Text.Json.JsonSerializer.Deserialize(entry.PatientIds, Audit.AuditJson.Default.ListGuid) ?? [])
            {
                yield return Buckets.ForPatient(id);
            }
        }
    }

    /// <summary>Whether <paramref name="bucket"/> has moved away from the shard <paramref name="context"/> serves.</summary>
    public static Task<bool> IsMovedAsync(ShardDbContext context, int bucket, CancellationToken cancellationToken) =>
        context.BucketFences.AsNoTracking()
            .AnyAsync(f => f.State == FenceState.Moved && f.FirstBucket <= bucket && f.LastBucket >= bucket, cancellationToken);
}
