using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedicalPortal.Data.Writing;

/// <summary>
/// What one write stages in its context before the save: the result to return, the cached keys the change touches and
/// the values they hold once it is committed (keys without an update are invalidated).
/// </summary>
internal sealed record Staged<T>(T Result, IReadOnlyCollection<string> Keys, IReadOnlyList<CacheUpdate> Updates)
{
    /// <summary>A change that touches no cached value.</summary>
    public static Staged<T> Uncached(T result) => new(result, [], []);
}

/// <summary>The usual shapes of a staged write.</summary>
internal static class Staged
{
    /// <summary>A change whose result is the new value of <paramref name="key"/>, written through once committed.</summary>
    public static Staged<T> Put<T>(string key, T value, long version)
        where T : class =>
        new(value, [key], [CacheUpdate.Put(key, value, version)]);

    /// <summary>A record removed: <paramref name="key"/> becomes a tombstone, <paramref name="alsoInvalidated"/> are dropped.</summary>
    public static Staged<bool> Deleted(string key, params IReadOnlyList<string> alsoInvalidated) =>
        new(true, [key, .. alsoInvalidated], [CacheUpdate.Deleted(key)]);

    /// <summary>A change that makes <paramref name="keys"/> stale: they are dropped everywhere and reloaded on the next read.</summary>
    public static Staged<T> Invalidating<T>(T result, params IReadOnlyList<string> keys) => new(result, keys, []);
}

/// <summary>Stages one write in a context the write path opened: load, check, change. It may run more than once.</summary>
internal delegate Task<Staged<T>> Stage<in TContext, T>(TContext context, CancellationToken cancellationToken);

/// <summary>
/// The one way a change reaches a shard or the catalog (ARCHITECTURE.md section 6): route to the database, open a context that
/// names the acting user, let the store stage its change (load with the version check, change the entity), begin the
/// cache write, save (the audit interceptor appends the entries in the same transaction; a concurrency failure becomes
/// a conflict), complete the cache write. Stores keep their queries and the change itself.
/// Each attempt is self-contained (a fresh context, the stage run again, its own cache write), and runs under the
/// provider's execution strategy, so a retrying strategy can replay it; shard writes are routed by bucket, the place
/// where writes to buckets that are moving between shards are held back.
/// </summary>
internal sealed class WritePath(
    IShardMap map, ShardContextFactory shards, ShardRouting routing, IDbContextFactory<CatalogDbContext> catalog, RecordCache cache)
{
    /// <summary>
    /// A change to records of the patients in <paramref name="bucket"/>, on the shard that holds the bucket. While a
    /// move cuts the bucket over, the change waits (the shard's fence says <see cref="FenceState.Frozen"/>), and once
    /// the bucket has moved it follows it to its new shard, whatever this node's map said (docs/decisions/0022).
    /// </summary>
    public async Task<T> ToShardAsync<T>(
        AuditActor actor, int bucket, Resource resource, Stage<ShardDbContext, T> stage, CancellationToken cancellationToken)
    {
        var deadline = routing.FreezeDeadline();
        while (true)
        {
            var shard = map.ShardForBucket(bucket);
            try
            {
                return await RunAsync(() => shards.Create(shard), actor, resource, stage, atomic: false, cancellationToken);
            }
            catch (BucketFencedException)
            {
                await routing.WaitOutFenceAsync(shard, bucket, deadline, cancellationToken);
            }
            catch (RecordNotFoundException)
            {
                // The rows left on a shard the bucket moved away from are not read: what the change looked for may
                // be on the new shard.
                if (!await IsMovedAsync(shard, bucket, cancellationToken))
                {
                    throw;
                }

                await routing.WaitOutFenceAsync(shard, bucket, deadline, cancellationToken);
            }
        }
    }

    private async Task<bool> IsMovedAsync(string shard, int bucket, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(shard);
        return await Fences.IsMovedAsync(context, bucket, cancellationToken);
    }

    /// <summary>
    /// A change to the catalog. <paramref name="atomic"/>: the stage's reads and the save are one transaction, for a
    /// change that is only valid if what it read still holds when it commits (a name that must stay free, say).
    /// </summary>
    public Task<T> ToCatalogAsync<T>(
        AuditActor actor, Resource resource, bool atomic, Stage<CatalogDbContext, T> stage, CancellationToken cancellationToken) =>
        RunAsync(catalog.CreateDbContext, actor, resource, stage, atomic, cancellationToken);

    /// <summary>
    /// The record <paramref name="id"/>, tracked for a change; refused as missing, or as a conflict when
    /// <paramref name="expectedVersion"/> (the version the caller's change is based on) is no longer current.
    /// </summary>
    public static async Task<TRecord> LoadAsync<TRecord>(
        DbContext context, Guid id, int? expectedVersion, Resource resource, CancellationToken cancellationToken)
        where TRecord : class, IVersionedRecord
    {
        ArgumentNullException.ThrowIfNull(context);
        var record = await context.Set<TRecord>().FindAsync([id], cancellationToken) ?? throw new RecordNotFoundException(resource);
        return expectedVersion is { } expected && record.Version != expected
            ? throw new ConcurrencyConflictException(resource, record.Version)
            : record;
    }

    private async Task<T> RunAsync<TContext, T>(
        Func<TContext> open, AuditActor actor, Resource resource, Stage<TContext, T> stage, bool atomic, CancellationToken cancellationToken)
        where TContext : DbContext, IAuditedContext
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(stage);
        // The first attempt runs on the context the strategy comes from; a retry on a context of its own, since a failed
        // attempt's context may still hold its entities, its audit entries and the transaction whose commit failed. A
        // failed attempt's context is closed before anything is tried again: its connection may still hold locks (the
        // audit head's) on the server.
        var first = open();
        var firstOpen = true;
        try
        {
            return await first.Database.CreateExecutionStrategy().ExecuteAsync(
                new Attempt<T>(),
                async (_, attempt, token) =>
                {
                    if (attempt.Tries++ > 0)
                    {
                        await using var retry = open();
                        retry.Actor = actor;
                        return await AttemptAsync(retry, resource, stage, atomic, attempt, token);
                    }

                    try
                    {
                        first.Actor = actor;
                        return await AttemptAsync(first, resource, stage, atomic, attempt, token);
                    }
                    catch
                    {
                        firstOpen = false;
                        await first.DisposeAsync();
                        throw;
                    }
                },
                (_, attempt, token) => VerifyAsync(open, attempt, token),
                cancellationToken);
        }
        finally
        {
            if (firstOpen)
            {
                await first.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Whether the attempt whose commit failed committed after all: its last audit entry is in the database (the chain
    /// is written in the change's transaction).
    /// </summary>
    private static async Task<ExecutionResult<T>> VerifyAsync<TContext, T>(
        Func<TContext> open, Attempt<T> attempt, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        if (attempt.Staged is not { } staged || attempt.LastEntry is not { } last)
        {
            return new ExecutionResult<T>(false, default!);
        }

        await using var check = open();
        return new ExecutionResult<T>(await AuditChain.IsCommittedAsync(check, last, cancellationToken), staged.Result);
    }

    private async Task<T> AttemptAsync<TContext, T>(
        TContext context, Resource resource, Stage<TContext, T> stage, bool atomic, Attempt<T> attempt, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        (attempt.Staged, attempt.LastEntry) = (null, null);
        await using var transaction = atomic ? await context.Database.BeginTransactionAsync(cancellationToken) : null;
        var staged = attempt.Staged = await stage(context, cancellationToken);
        await using var write = await cache.BeginWriteAsync(staged.Keys, cancellationToken);
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone else saved between our read and our write: the version in the WHERE clause no longer matched.
            throw new ConcurrencyConflictException(resource, currentVersion: null);
        }
        finally
        {
            // Sealed by the save (committed with it, unless a transaction of ours is still open): what tells later
            // whether a commit that failed on the way back happened.
            attempt.LastEntry = AuditChain.LastAppended(context);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        await write.CompleteAsync(staged.Updates);
        return staged.Result;
    }

    /// <summary>
    /// What an attempt staged, kept for the strategy's question after a commit whose outcome is unknown: if the
    /// attempt's last audit entry is in the database, the change committed, and its result is returned as it is.
    /// The cache write of that attempt was abandoned (its keys dropped), so the next read loads the committed value.
    /// </summary>
    private sealed class Attempt<T>
    {
        /// <summary>How many attempts began: only the first runs on the context the strategy came from.</summary>
        public int Tries { get; set; }

        public Staged<T>? Staged { get; set; }

        public AuditEntry? LastEntry { get; set; }
    }
}
