using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using System.Globalization;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// Read (and export) audit with group commit. A read is recorded in the chain of the shard that holds the patient (a search over
/// several shards gives one entry per shard, naming that shard's patients). Each shard has one writer: readers queue
/// their entry and wait; the writer takes everything queued, appends it in one transaction, commits, and then releases
/// all of those readers together. Concurrent readers thus share one durable write instead of each queueing for a lock,
/// and no reader gets its data before its access is on disk. A crash loses nothing that was shown. Sign-in attempts,
/// and queries of the audit trail that named no patient, go to the catalog's chain the same way.
/// </summary>
internal sealed class AccessLog(
    IShardMap map,
    ShardContextFactory shards,
    IDbContextFactory<CatalogDbContext> catalog,
    AuditChain chain,
    ShardRouting routing,
    IOptions<AuditOptions> options) : IAccessLog, ISignInLog, IAsyncDisposable
{
    private const int MaxBatch = 500;

    // Lazy: two first readers of a database at once must not start two writers (each with its loop) for it.
    private readonly ConcurrentDictionary<string, Lazy<Writer>> _writers = new(StringComparer.OrdinalIgnoreCase);

    public Task RecordAsync(AccessRecord access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (!options.Value.RecordReads)
        {
            return Task.CompletedTask;
        }

        if (access.PatientIds.Count == 0)
        {
            // A read that showed no patient disclosed nothing; a query of the audit trail is recorded all the same, since
            // who searched the trail, and for what, is itself what the trail must answer.
            return access.Resource == Resource.AuditLog
                ? CatalogWriter().EnqueueAsync(EntryFor(access, []), cancellationToken)
                : Task.CompletedTask;
        }

        // One patient (every record read): no grouping, no second task.
        if (access.PatientIds.Count == 1)
        {
            var shard = map.ShardForPatient(access.PatientIds[0]);
            var recorded = ShardWriter(shard).EnqueueAsync(EntryFor(access, access.PatientIds), cancellationToken);
            return recorded.IsCompletedSuccessfully ? recorded : FollowingMovesAsync(access, recorded, access.PatientIds, cancellationToken);
        }

        var perShard = access.PatientIds.Distinct().GroupBy(map.ShardForPatient);
        return Task.WhenAll(perShard.Select(group =>
        {
            IReadOnlyList<Guid> shown = [.. group];
            return FollowingMovesAsync(access, ShardWriter(group.Key).EnqueueAsync(EntryFor(access, shown), cancellationToken), shown, cancellationToken);
        }));
    }

    /// <summary>
    /// Waits for an entry; one that a shard refused because its patients' buckets moved away (a node whose map was
    /// stale) is recorded again where the map, loaded again, sends them (docs/decisions/0022).
    /// </summary>
    private async Task FollowingMovesAsync(AccessRecord access, Task recorded, IReadOnlyList<Guid> shown, CancellationToken cancellationToken)
    {
        var deadline = routing.FreezeDeadline();
        while (true)
        {
            try
            {
                await recorded;
                return;
            }
            catch (BucketFencedException fenced)
            {
                var shard = map.ShardForBucket(fenced.Bucket);
                await routing.WaitOutFenceAsync(shard, fenced.Bucket, deadline, cancellationToken);
                recorded = Task.WhenAll(shown.GroupBy(map.ShardForPatient).Select(group =>
                    ShardWriter(group.Key).EnqueueAsync(EntryFor(access, [.. group]), cancellationToken)));
            }
        }
    }

    private static AuditEntry EntryFor(AccessRecord access, IReadOnlyList<Guid> shown) => new()
    {
        ActorId = access.Actor.AccountId,
        ActorName = access.Actor.Name,
        Action = access.Action.ToString(),
        Resource = access.Resource.ToString(),
        ResourceId = access.ResourceId,
        PatientId = access.PatientIds.Count == 1 ? access.PatientIds[0] : null,
        PatientIds = JsonSerializer.Serialize(shown.ToList(), AuditJson.Default.ListGuid),
        Changes = access.Query.Count == 0 ? "[]" : JsonSerializer.Serialize(access.Query.ToList(), AuditJson.Default.ListAuditChange),
    };

    public Task RecordExportAsync(AuditActor actor, Guid studyId, ExportCounts counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(counts);
        var entry = new AuditEntry
        {
            ActorId = actor.AccountId,
            ActorName = actor.Name,
            Action = AuditAction.Export.ToString(),
            Resource = Resource.Export.ToString(),
            ResourceId = studyId.ToString("D"),
            Changes = JsonSerializer.Serialize(
                new List<AuditChange>
                {
                    Count("rows", counts.Rows),
                    Count("suppressedPatients", counts.SuppressedPatients),
                    Count("generalizedCodes", counts.GeneralizedCodes),
                    Count("suppressedCodes", counts.SuppressedCodes),
                },
                AuditJson.Default.ListAuditChange),
        };
        return CatalogWriter().EnqueueAsync(entry, cancellationToken);

        static AuditChange Count(string name, int value) => new(name, null, value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A sign-in attempt in the catalog's chain: a success names the account as the actor; a failure names only the
    /// name that was given (nobody proved to be anyone), with the account it names as the record. Never a password.
    /// </summary>
    public Task RecordAsync(SignInAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var succeeded = attempt.Outcome == SignInOutcome.Succeeded;
        var name = attempt.UserName.Trim();
        var entry = new AuditEntry
        {
            ActorId = succeeded ? attempt.AccountId : null,
            ActorName = name.Length > AuditModel.ActorNameMaxLength ? name[..AuditModel.ActorNameMaxLength] : name,
            Action = (succeeded ? AuditAction.SignIn : AuditAction.SignInFailed).ToString(),
            Resource = Resource.Account.ToString(),
            ResourceId = attempt.AccountId,
            Changes = JsonSerializer.Serialize(
                new List<AuditChange> { new("outcome", null, OutcomeName(attempt.Outcome)), new("channel", null, attempt.Channel) },
                AuditJson.Default.ListAuditChange),
        };
        return CatalogWriter().EnqueueAsync(entry, cancellationToken);
    }

    private static string OutcomeName(SignInOutcome outcome) => outcome switch
    {
        SignInOutcome.Succeeded => "succeeded",
        SignInOutcome.Failed => "failed",
        SignInOutcome.LockedOut => "locked-out",
        SignInOutcome.NotAllowed => "not-allowed",
        SignInOutcome.TwoFactorRequired => "two-factor-required",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a sign-in outcome."),
    };

    private Writer CatalogWriter() => WriterFor(AuditStore.CatalogName, catalog.CreateDbContext, answered: () => { }, translate: e => e);

    // The batches do not run through the shard's execution strategy: they tell its availability themselves.
    private Writer ShardWriter(string shard) =>
        WriterFor(shard, () => shards.Create(shard), () => shards.Availability.Answered(shard), e => shards.Translate(shard, e));

    private Writer WriterFor(string database, Func<DbContext> open, Action answered, Func<Exception, Exception> translate) =>
        (_writers.TryGetValue(database, out var writer) ? writer : _writers.GetOrAdd(database, _ => new Lazy<Writer>(() => new Writer(open, chain, answered, translate)))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers.Values.Where(w => w.IsValueCreated))
        {
            await writer.Value.DisposeAsync();
        }
    }

    private sealed class Writer : IAsyncDisposable
    {
        private readonly Channel<(AuditEntry Entry, TaskCompletionSource Durable)> _queue =
            Channel.CreateUnbounded<(AuditEntry, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

        private readonly Func<DbContext> _open;
        private readonly AuditChain _chain;
        private readonly Action _answered;
        private readonly Func<Exception, Exception> _translate;
        private readonly Task _loop;

        /// <param name="answered">Told after each batch the database took.</param>
        /// <param name="translate">What a failure is reported to the waiting readers as (a shard that did not answer).</param>
        public Writer(Func<DbContext> open, AuditChain chain, Action answered, Func<Exception, Exception> translate)
        {
            _open = open;
            _chain = chain;
            _answered = answered;
            _translate = translate;
            _loop = Task.Run(WriteLoopAsync);
        }

        public Task EnqueueAsync(AuditEntry entry, CancellationToken cancellationToken)
        {
            var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_queue.Writer.TryWrite((entry, durable)))
            {
                throw new InvalidOperationException("The access log is shutting down.");
            }

            // The caller may stop waiting, but the entry is written anyway: the record may already be on screen.
            return durable.Task.WaitAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            _queue.Writer.TryComplete();
            await _loop;
        }

        /// <summary>
        /// One context and one set of prepared statements for the writer's life, opened again after a failure (the
        /// connection may be what failed). Per batch: lock and read the chain's head, seal, insert, move the head, commit.
        /// </summary>
        private async Task WriteLoopAsync()
        {
            var batch = new List<(AuditEntry Entry, TaskCompletionSource Durable)>(MaxBatch);
            var entries = new List<AuditEntry>(MaxBatch);
            DbContext? context = null;
            AuditChainStatements? statements = null;
            try
            {
                while (await _queue.Reader.WaitToReadAsync())
                {
                    while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                    {
                        batch.Add(item);
                        entries.Add(item.Entry);
                    }

                    // A connection kept from an earlier batch may have been cut since (the server restarted, say):
                    // when it fails before the commit was sent, nothing was written, and the batch is tried once more
                    // on a new connection.
                    for (var attempt = 1; ; attempt++)
                    {
                        var reused = context is not null;
                        var committing = false;
                        try
                        {
                            if (context is null || statements is null)
                            {
                                context = _open();
                                await context.Database.OpenConnectionAsync();
                                statements = new AuditChainStatements(context);
                            }

                            IReadOnlyList<AuditEntry> refused;
                            await using (var transaction = await context.Database.BeginTransactionAsync())
                            {
                                refused = await _chain.AppendAsync(statements, entries, CancellationToken.None);
                                committing = true;
                                await transaction.CommitAsync();
                            }

                            _answered();
                            foreach (var (entry, durable) in batch)
                            {
                                if (refused.Contains(entry))
                                {
                                    durable.TrySetException(new BucketFencedException(Fences.BucketsOf(entry).First(), FenceState.Moved));
                                }
                                else
                                {
                                    durable.TrySetResult();
                                }
                            }

                            break;
                        }
                        catch (Exception e)
                        {
                            await CloseAsync(context, statements);
                            (context, statements) = (null, null);
                            if (reused && !committing && attempt == 1)
                            {
                                continue;
                            }

                            // Nobody gets their data without its access entry: every waiting reader fails.
                            var failure = _translate(e);
                            batch.ForEach(b => b.Durable.TrySetException(failure));
                            break;
                        }
                    }

                    batch.Clear();
                    entries.Clear();
                }
            }
            finally
            {
                await CloseAsync(context, statements);
            }
        }

        /// <summary>
        /// Closes a connection that failed or is no longer needed. Never throws: if the loop ended here, every later
        /// reader would wait forever for an entry nobody writes.
        /// </summary>
        private static async ValueTask CloseAsync(DbContext? context, AuditChainStatements? statements)
        {
            try
            {
                if (statements is not null)
                {
                    await statements.DisposeAsync();
                }
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or ObjectDisposedException)
            {
                // The connection is already broken; the next batch opens a new one.
            }

            try
            {
                if (context is not null)
                {
                    await context.DisposeAsync();
                }
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or ObjectDisposedException)
            {
                // As above.
            }
        }
    }
}
