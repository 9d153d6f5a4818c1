using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// The catalog's bucket-to-shard map, held in memory as an immutable snapshot so routing costs an array lookup.
/// Loaded at start; on first start it is created by splitting the buckets evenly over the configured shards. A shard
/// registered later starts with no buckets. A bucket move changes it and moves its version on; every node loads it
/// again when the version changes (<see cref="ShardMapReloader"/>).
/// </summary>
internal sealed class ShardMap(IDbContextFactory<CatalogDbContext> catalog) : IShardMap
{
    private volatile Snapshot? _snapshot;

    public IReadOnlyList<string> Shards => Current.Shards;

    public IReadOnlyList<BucketRange> Ranges => Current.Ranges;

    public bool IsLoaded => _snapshot is not null;

    /// <summary>The catalog's map version this node routes by.</summary>
    public long Version => Current.Version;

    private Snapshot Current => _snapshot
        ?? throw new InvalidOperationException("The shard map has not been loaded; the databases were not initialized.");

    public string ShardForBucket(int bucket) => Current.ByBucket[bucket];

    /// <summary>
    /// Creates the map over <paramref name="configuredShards"/> if the catalog has none (racing nodes: the first insert
    /// wins), then loads it; it may name any of <paramref name="knownShards"/>.
    /// </summary>
    public async Task InitializeAsync(IReadOnlyList<string> configuredShards, IReadOnlyList<string> knownShards, CancellationToken cancellationToken)
    {
        await using (var context = await catalog.CreateDbContextAsync(cancellationToken))
        {
            if (!await context.ShardRanges.AnyAsync(cancellationToken))
            {
                context.ShardRanges.AddRange(BucketRange.SplitEvenly(configuredShards)
                    .Select(r => new ShardRangeRow { FirstBucket = r.First, LastBucket = r.Last, Shard = r.Shard }));
                try
                {
                    await context.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another node created the map at the same moment; its map is as good as ours.
                }
            }
        }

        await LoadAsync(knownShards, cancellationToken);
    }

    /// <summary>
    /// Reads the map. The version is read before the ranges: a map changed in between is newer than the version says,
    /// and is read again at the next poll.
    /// </summary>
    public async Task LoadAsync(IReadOnlyList<string> knownShards, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var version = await ReadVersionAsync(context, cancellationToken);
        var rows = await context.ShardRanges.AsNoTracking().OrderBy(r => r.FirstBucket).ToListAsync(cancellationToken);
        var ranges = rows.Select(r => new BucketRange(r.FirstBucket, r.LastBucket, r.Shard)).ToList();
        _snapshot = Snapshot.Build(version, ranges, knownShards);
    }

    public static Task<long> ReadVersionAsync(CatalogDbContext context, CancellationToken cancellationToken) =>
        context.ShardMapState.AsNoTracking().Where(s => s.Id == ShardMapStateRow.SingletonId).Select(s => s.Version).SingleAsync(cancellationToken);

    private sealed record Snapshot(long Version, IReadOnlyList<BucketRange> Ranges, IReadOnlyList<string> Shards, string[] ByBucket)
    {
        public static Snapshot Build(long version, IReadOnlyList<BucketRange> ranges, IReadOnlyList<string> knownShards)
        {
            var byBucket = new string[Buckets.Count];
            foreach (var range in ranges)
            {
                if (!knownShards.Contains(range.Shard, StringComparer.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException(
                        $"The shard map assigns buckets {range.First}-{range.Last} to '{range.Shard}', which neither " +
                        $"{DatabaseOptions.SectionName}:Shards configures nor the catalog's shard registry holds.");
                }

                for (var bucket = range.First; bucket <= range.Last; bucket++)
                {
                    byBucket[bucket] = range.Shard;
                }
            }

            var missing = Array.IndexOf(byBucket, null);
            if (missing >= 0)
            {
                throw new InvalidOperationException($"The shard map in the catalog does not cover bucket {missing}.");
            }

            var shards = ranges.Select(r => r.Shard).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            return new Snapshot(version, ranges, shards, byBucket);
        }
    }
}
