using System.Linq.Expressions;
using MedicalPortal.Core.Sharding;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// For the queries that ask every shard (search, a study's participants, exports): only the rows of the buckets the map
/// gives the shard. A move's copy on its target, before the map sends the buckets there, is thus never seen, and never
/// seen twice (docs/decisions/0022).
/// </summary>
internal static class OwnedBuckets
{
    /// <summary>
    /// <paramref name="query"/> over rows with a stored <c>Bucket</c>, limited to the ranges <paramref name="map"/>
    /// gives <paramref name="shard"/>; as it is when the shard holds every bucket.
    /// </summary>
    public static IQueryable<T> OwnedBy<T>(this IQueryable<T> query, IShardMap map, string shard)
    {
        var ranges = RangesOf(map, shard);
        if (ranges is [{ First: 0, Last: Buckets.Count - 1 }])
        {
            return query;
        }

        var row = Expression.Parameter(typeof(T), "row");
        var bucket = Expression.Property(row, "Bucket");
        Expression owned = Expression.Constant(false);
        foreach (var range in ranges)
        {
            owned = Expression.OrElse(owned, Expression.AndAlso(
                Expression.GreaterThanOrEqual(bucket, Expression.Constant(range.First)),
                Expression.LessThanOrEqual(bucket, Expression.Constant(range.Last))));
        }

        return query.Where(Expression.Lambda<Func<T, bool>>(owned, row));
    }

    /// <summary>
    /// The same as a test on a row's bucket, for a query that checks the rows it read instead (where a bucket range in
    /// SQL would lead the planner away from a better index); null when the shard holds every bucket.
    /// </summary>
    public static Func<int, bool>? Of(IShardMap map, string shard)
    {
        var ranges = RangesOf(map, shard);
        if (ranges is [{ First: 0, Last: Buckets.Count - 1 }])
        {
            return null;
        }

        var owned = ranges.Select(r => (r.First, r.Last)).ToArray();
        return bucket => Array.Exists(owned, r => r.First <= bucket && bucket <= r.Last);
    }

    private static List<BucketRange> RangesOf(IShardMap map, string shard) =>
        [.. map.Ranges.Where(r => string.Equals(r.Shard, shard, StringComparison.OrdinalIgnoreCase))];
}
