using MedicalPortal.Core.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// Gives the rows a shard held before buckets were stored (migration BucketsAndFences) their bucket, in batches, once:
/// a patient's is the hash of its id, a visit's and an enrollment's the one its id carries. Nothing is left to do on a
/// shard created since, and the check costs one indexed query.
/// </summary>
internal static class BucketBackfill
{
    /// <summary>The bucket a row has until it is computed.</summary>
    public const int NotComputed = -1;

    private const int BatchSize = 1000;

    public static async Task RunAsync(ShardDbContext context, CancellationToken cancellationToken)
    {
        await FillAsync(context.Patients.IgnoreQueryFilters().Where(p => p.Bucket == NotComputed).Select(p => p.Id), Buckets.ForPatient,
            (ids, bucket) => context.Patients.IgnoreQueryFilters().Where(p => ids.Contains(p.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Bucket, bucket), cancellationToken), cancellationToken);
        await FillAsync(context.Visits.IgnoreQueryFilters().Where(v => v.Bucket == NotComputed).Select(v => v.Id), Buckets.OfRecordId,
            (ids, bucket) => context.Visits.IgnoreQueryFilters().Where(v => ids.Contains(v.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.Bucket, bucket), cancellationToken), cancellationToken);
        await FillAsync(context.Enrollments.IgnoreQueryFilters().Where(e => e.Bucket == NotComputed).Select(e => e.Id), Buckets.OfRecordId,
            (ids, bucket) => context.Enrollments.IgnoreQueryFilters().Where(e => ids.Contains(e.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Bucket, bucket), cancellationToken), cancellationToken);
    }

    private static async Task FillAsync(
        IQueryable<Guid> missing, Func<Guid, int> bucketOf, Func<List<Guid>, int, Task<int>> set, CancellationToken cancellationToken)
    {
        while (true)
        {
            var ids = await missing.OrderBy(id => id).Take(BatchSize).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                return;
            }

            foreach (var group in ids.GroupBy(bucketOf))
            {
                await set([.. group], group.Key);
            }
        }
    }
}
