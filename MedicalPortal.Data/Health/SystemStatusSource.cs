using MedicalPortal.Core.Administration;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Health;

/// <summary>Counts each shard's patients (all shards at once; one that fails is reported, not thrown) and reads the cache.</summary>
internal sealed class SystemStatusSource(ShardContextFactory shards, RecordCache cache) : ISystemStatusSource
{
    public async Task<SystemStatus> ReadAsync(CancellationToken cancellationToken)
    {
        var counted = await Task.WhenAll(shards.Known.Select(async shard =>
        {
            try
            {
                await using var context = shards.Create(shard);
                return new ShardStatus(shard, Reachable: true, await context.Patients.LongCountAsync(cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return new ShardStatus(shard, Reachable: false, Patients: null);
            }
        }));

        var status = cache.Status;
        var counts = status.Counts;
        return new SystemStatus(
            Environment.MachineName,
            counted,
            new CacheState(status.Mode, status.State, status.EntriesInMemory, counts.MemoryHits, counts.RedisHits, counts.Misses, counts.Errors));
    }
}
