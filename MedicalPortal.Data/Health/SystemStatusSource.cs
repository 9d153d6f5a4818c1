using MedicalPortal.Core.Administration;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Health;

/// <summary>
/// Counts each shard's patients (all shards at once; one that fails is reported, not thrown; a move's copy on its target
/// is not counted until the map sends its buckets there), and reads the bucket map, a running move and the cache.
/// </summary>
internal sealed class SystemStatusSource(ShardContextFactory shards, IShardMap map, IBucketMoves moves, RecordCache cache) : ISystemStatusSource
{
    public async Task<SystemStatus> ReadAsync(CancellationToken cancellationToken)
    {
        var counted = await Task.WhenAll(shards.Known.Select(async shard =>
        {
            try
            {
                await using var context = shards.Create(shard);
                return new ShardStatus(shard, Reachable: true, await context.Patients.OwnedBy(map, shard).LongCountAsync(cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return new ShardStatus(shard, Reachable: false, Patients: null);
            }
        }));

        var move = await moves.UnfinishedAsync(cancellationToken);
        var status = cache.Status;
        var counts = status.Counts;
        return new SystemStatus(
            Environment.MachineName,
            counted,
            new CacheState(status.Mode, status.State, status.EntriesInMemory, counts.MemoryHits, counts.RedisHits, counts.Misses, counts.Errors))
        {
            BucketMap = map.Ranges,
            Move = move is null ? null : new MoveState(
                move.FirstBucket, move.LastBucket, move.Source, move.Target, move.Stage.ToString(), move.BucketsDone, move.StartedBy, move.StartedAt, move.UpdatedAt),
        };
    }
}
