using System.Diagnostics;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// Keeps this node's shard map current while buckets move (docs/decisions/0022): the map is loaded again when the
/// catalog's map version changes (polled by <see cref="ShardMapPoller"/>, and at once when a read or a write meets a
/// fence), and a change or read that meets a fence is routed again. Correctness never waits on the poll: a node whose
/// map is stale meets the source's fence, which the move set before it changed the map.
/// </summary>
internal sealed partial class ShardRouting(
    ShardMap map,
    ShardRegistry registry,
    ShardContextFactory shards,
    IDbContextFactory<CatalogDbContext> catalog,
    IOptions<DatabaseOptions> options,
    ILogger<ShardRouting> logger) : IDisposable
{
    /// <summary>How often a change that waits for a frozen bucket looks again.</summary>
    private static readonly TimeSpan FenceRetryDelay = TimeSpan.FromMilliseconds(25);

    private readonly SemaphoreSlim _loading = new(1, 1);

    /// <summary>Loads the map again if the catalog's version moved on; true if it did.</summary>
    public async Task<bool> ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        if (!map.IsLoaded)
        {
            // The node is still starting: the initializer loads the map.
            return false;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            long version;
            await using (var context = await catalog.CreateDbContextAsync(cancellationToken))
            {
                version = await ShardMap.ReadVersionAsync(context, cancellationToken);
            }

            if (version == map.Version)
            {
                return false;
            }

            // The map may name a shard registered since this node started.
            await registry.LearnRegisteredAsync(cancellationToken);
            await map.LoadAsync(shards.Known, cancellationToken);
            LogReloaded(logger, map.Version);
            return true;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>When a change that meets a frozen bucket stops waiting (<see cref="DatabaseOptions.MoveFreezeMaxSeconds"/>).</summary>
    public long FreezeDeadline() => Stopwatch.GetTimestamp() + (options.Value.MoveFreezeMaxSeconds * Stopwatch.Frequency);

    /// <summary>
    /// After a change or read met a fence of <paramref name="bucket"/> on <paramref name="shard"/>: returns at once when
    /// the map (loaded again) sends the bucket elsewhere, otherwise after a short wait; past
    /// <paramref name="deadline"/> the caller gets <see cref="ShardUnavailableException.Moving"/>.
    /// </summary>
    public async Task WaitOutFenceAsync(string shard, int bucket, long deadline, CancellationToken cancellationToken)
    {
        await ReloadIfChangedAsync(cancellationToken);
        if (!string.Equals(map.ShardForBucket(bucket), shard, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (Stopwatch.GetTimestamp() >= deadline)
        {
            throw ShardUnavailableException.Moving(shard);
        }

        await Task.Delay(FenceRetryDelay, cancellationToken);
    }

    /// <summary>
    /// A read of records of the patients in <paramref name="bucket"/>, on the shard the map gives it. What the read
    /// did not find (<paramref name="found"/> false) may have moved away under a stale map: if the shard's fence says
    /// so, the map is loaded again and the read goes where it sends the bucket.
    /// </summary>
    public async Task<T> ReadAsync<T>(
        int bucket, Func<ShardDbContext, CancellationToken, Task<T>> read, Func<T, bool> found, CancellationToken cancellationToken)
    {
        var deadline = FreezeDeadline();
        while (true)
        {
            var shard = map.ShardForBucket(bucket);
            await using var context = shards.Create(shard);
            var result = await read(context, cancellationToken);
            if (found(result) || !await Fences.IsMovedAsync(context, bucket, cancellationToken))
            {
                return result;
            }

            await WaitOutFenceAsync(shard, bucket, deadline, cancellationToken);
        }
    }

    public void Dispose() => _loading.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard map version {Version} loaded: buckets have moved.")]
    private static partial void LogReloaded(ILogger logger, long version);
}
