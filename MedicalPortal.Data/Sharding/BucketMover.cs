using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// A bucket move, as Vitess's MoveTables and Citus's shard moves do it (docs/decisions/0022). <b>Copying</b>: the rows
/// of the buckets are copied to the target as they are (not changes: no audit entry each), then caught up by comparing
/// (id, version) per table until little changes, and the source's audit entries of those patients are copied to the
/// target's archive; then every row's content is compared on both sides. <b>Frozen</b>: a fence on the source holds
/// writes to the buckets back; the last changes are copied and both sides verified (the same rows at the same versions,
/// the content of rows changed since the comparison, counts and a SHA-256 per table); the fence becomes "moved" (rows there are no longer read),
/// and the map, in one catalog transaction, sends the buckets to the target. <b>Flipped</b>: the last audit entries are
/// archived and the source's rows deleted. <b>Cleaned</b>: done. Every step can run again: a move that stopped at
/// any point is finished by the same command.
/// </summary>
internal sealed partial class BucketMover(
    IDbContextFactory<CatalogDbContext> catalog,
    ShardContextFactory shards,
    ShardMap map,
    ShardRouting routing,
    AuditChain chain,
    TimeProvider clock,
    ILogger<BucketMover> logger) : IBucketMoves
{
    public const string LeaseName = "bucket-move";

    /// <summary>How long the lease outlives a command that stopped without releasing it (killed, say).</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    /// <summary>Buckets copied, compared, verified or deleted together: a batch.</summary>
    private const int GroupSize = 64;

    /// <summary>Catch-up passes before the freeze, at most; the freeze comes sooner once a pass copies this little.</summary>
    private const int CatchUpPasses = 5;

    private const int SmallEnough = 50;

    private const int AuditBatch = 2000;


    private static readonly TimeSpan RecordEvery = TimeSpan.FromSeconds(1);

    private readonly string _holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>
    /// Called at each named point of a move (tests stop a move there, as a crash would): "copied" after each batch
    /// copied or caught up, "archived", "checked" (verified before the freeze), "frozen", "caught-up", "verified", "fenced", "flipped", "deleted" after each
    /// batch deleted, "audited".
    /// </summary>
    internal Func<string, Task>? Checkpoint { get; set; }

    public string? Problem(int first, int last, string target) =>
        first < 0 || last >= Buckets.Count || first > last
            ? $"The buckets must be a range FIRST-LAST within 0-{Buckets.Count - 1}, FIRST not after LAST."
            : KnownShard(target) is null
                ? $"There is no shard '{target}': 'shards list' names the shards, and 'shards add' adds one."
                : null;

    public async Task<BucketMoveStatus?> UnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var row = await context.BucketMoves.AsNoTracking().Where(m => m.Stage != MoveStage.Cleaned)
            .OrderBy(m => m.StartedAt).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : StatusOf(row);
    }

    public async Task<BucketMoveResult> MoveAsync(
        int first, int last, string target, AuditActor actor, IProgress<BucketMoveProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Problem(first, last, target) is { } problem)
        {
            return new BucketMoveResult(BucketMoveOutcome.Refused, problem);
        }

        var leases = new CatalogLeases(catalog, clock);
        if (!await leases.TryAcquireAsync(LeaseName, _holder, LeaseDuration, cancellationToken))
        {
            return new BucketMoveResult(BucketMoveOutcome.Busy,
                "Another 'shards move' is running (it holds the catalog's lease 'bucket-move'). Wait for it to finish; " +
                $"if it was stopped, its lease expires {LeaseDuration.TotalMinutes:0} minutes after it last worked.");
        }

        try
        {
            await routing.ReloadIfChangedAsync(cancellationToken);
            var move = await UnfinishedRowAsync(cancellationToken);
            if (move is not null && !(move.FirstBucket == first && move.LastBucket == last && SameShard(move.Target, target)))
            {
                return new BucketMoveResult(BucketMoveOutcome.Busy,
                    $"Buckets {move.FirstBucket}-{move.LastBucket} are being moved from '{move.Source}' to '{move.Target}' " +
                    $"(stage {move.Stage}). Finish that move first: shards move --buckets {move.FirstBucket}-{move.LastBucket} --to {move.Target}",
                    StatusOf(move));
            }

            if (move is null)
            {
                var sources = Enumerable.Range(first, last - first + 1).Select(map.ShardForBucket)
                    .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (sources.Count > 1)
                {
                    return new BucketMoveResult(BucketMoveOutcome.Refused,
                        $"Buckets {first}-{last} lie on the shards {string.Join(", ", sources.Select(s => $"'{s}'"))}: move the buckets of one shard at a time.");
                }

                if (SameShard(sources[0], target))
                {
                    return new BucketMoveResult(BucketMoveOutcome.AlreadyThere, $"Buckets {first}-{last} are on '{sources[0]}' already: nothing to do.");
                }

                move = await StartAsync(first, last, sources[0], KnownShard(target)!, actor, cancellationToken);
            }

            var run = new Run(move, actor, progress, leases);
            var freeze = await RunAsync(run, cancellationToken);
            move = run.Move;
            return new BucketMoveResult(BucketMoveOutcome.Moved,
                $"Moved buckets {move.FirstBucket}-{move.LastBucket} from '{move.Source}' to '{move.Target}': {move.Patients} patient(s), " +
                $"{move.Visits} visit(s), {move.Enrollments} enrollment(s), verified.",
                StatusOf(move),
                freeze);
        }
        finally
        {
            await leases.ReleaseAsync(LeaseName, _holder, TimeSpan.Zero, CancellationToken.None);
        }
    }

    private async Task<TimeSpan?> RunAsync(Run run, CancellationToken cancellationToken)
    {
        long? frozenAt = null;
        if (run.Move.Stage == MoveStage.Copying)
        {
            LogStage(logger, run.Move.FirstBucket, run.Move.LastBucket, run.Move.Source, run.Move.Target, "copying");
            await SyncRangeAsync(run, "Copying", cancellationToken);
            await ArchiveAsync(run, cancellationToken);
            for (var pass = 1; pass <= CatchUpPasses; pass++)
            {
                run.CaughtUpFrom = await AuditHeadAsync(run.Move.Source, cancellationToken);
                var changed = await SyncRangeAsync(run, $"Catching up ({pass})", cancellationToken);
                await ArchiveAsync(run, cancellationToken);
                if (changed <= SmallEnough)
                {
                    break;
                }
            }

            await VerifyBeforeFreezeAsync(run, cancellationToken);
            for (var pass = 1; pass <= CatchUpPasses; pass++)
            {
                if (await CatchUpChangedAsync(run, cancellationToken) <= SmallEnough)
                {
                    break;
                }
            }

            await PassAsync("checked");
            await SetFenceAsync(run.Move.Source, run.Move, FenceState.Frozen, cancellationToken);
            frozenAt = Stopwatch.GetTimestamp();
            await SetStageAsync(run, MoveStage.Frozen, cancellationToken);
            await PassAsync("frozen");
        }

        var steps = new List<(string Step, long At)>();
        if (run.Move.Stage == MoveStage.Frozen)
        {
            LogStage(logger, run.Move.FirstBucket, run.Move.LastBucket, run.Move.Source, run.Move.Target, "frozen");

            // Again on a resumed move: the fence may be "moved" already, if the last run stopped just before the flip.
            await SetFenceAsync(run.Move.Source, run.Move, FenceState.Frozen, cancellationToken);
            frozenAt ??= Stopwatch.GetTimestamp();
            if (run.Verified is { } verified && run.CaughtUpFrom is { } since)
            {
                // Verified before the freeze in this run: only what changed since needs copying and comparing.
                var changed = await ChangedSinceAsync(run, since, cancellationToken);
                await SyncChangedAsync(run, changed, cancellationToken);
                steps.Add(("final catch-up", Stopwatch.GetTimestamp()));
                await PassAsync("caught-up");
                await VerifyChangedAsync(run, verified, changed, cancellationToken);
            }
            else
            {
                await SyncRangeAsync(run, "Final catch-up", cancellationToken);
                steps.Add(("final catch-up", Stopwatch.GetTimestamp()));
                await PassAsync("caught-up");
                await VerifyAllAsync(run, cancellationToken);
            }

            steps.Add(("verification", Stopwatch.GetTimestamp()));
            await PassAsync("verified");

            // From here no node reads the source's rows of the buckets; from the flip on, every node's reads and
            // writes go to the target, a node with a stale map through the fence.
            await SetFenceAsync(run.Move.Source, run.Move, FenceState.Moved, cancellationToken);
            await PassAsync("fenced");
            await SetFenceAsync(run.Move.Target, run.Move, state: null, cancellationToken);
            await FlipAsync(run, cancellationToken);
            await routing.ReloadIfChangedAsync(cancellationToken);
            steps.Add(("fences and flip", Stopwatch.GetTimestamp()));
            await PassAsync("flipped");
        }

        var freeze = frozenAt is { } started ? Stopwatch.GetElapsedTime(started) : (TimeSpan?)null;
        if (freeze is { } held)
        {
            var from = frozenAt!.Value;
            var parts = steps.Select(step =>
            {
                var part = $"{step.Step} {Stopwatch.GetElapsedTime(from, step.At).TotalMilliseconds:0} ms";
                from = step.At;
                return part;
            });
            LogFreeze(logger, run.Move.FirstBucket, run.Move.LastBucket, held.TotalMilliseconds, string.Join(", ", parts));
        }

        if (run.Move.Stage == MoveStage.Flipped)
        {
            LogStage(logger, run.Move.FirstBucket, run.Move.LastBucket, run.Move.Source, run.Move.Target, "flipped");
            await SetFenceAsync(run.Move.Source, run.Move, FenceState.Moved, cancellationToken);
            await ArchiveAsync(run, cancellationToken);
            await PassAsync("archived");
            await DeleteFromSourceAsync(run, cancellationToken);
            await AuditOnShardsAsync(run, cancellationToken);
            await PassAsync("audited");
            await SetStageAsync(run, MoveStage.Cleaned, cancellationToken);
            LogStage(logger, run.Move.FirstBucket, run.Move.LastBucket, run.Move.Source, run.Move.Target, "done");
        }

        return freeze;
    }

    private async Task<BucketMoveRow> StartAsync(int first, int last, string source, string target, AuditActor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var row = new BucketMoveRow
        {
            Id = Guid.CreateVersion7(now),
            FirstBucket = first,
            LastBucket = last,
            Source = source,
            Target = target,
            Stage = MoveStage.Copying,
            StartedBy = actor.Name,
            StartedAt = now,
            UpdatedAt = now,
        };
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        context.Actor = actor;
        context.BucketMoves.Add(row);
        await context.SaveChangesAsync(cancellationToken);
        return row;
    }

    private async Task<BucketMoveRow?> UnfinishedRowAsync(CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        return await context.BucketMoves.AsNoTracking().Where(m => m.Stage != MoveStage.Cleaned)
            .OrderBy(m => m.StartedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>A stage reached: audited in the catalog (who moved what, and when each stage was reached).</summary>
    private async Task SetStageAsync(Run run, MoveStage stage, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        context.Actor = run.Actor;
        var row = await context.BucketMoves.SingleAsync(m => m.Id == run.Move.Id, cancellationToken);
        row.Stage = stage;
        row.UpdatedAt = clock.GetUtcNow();
        row.BucketsDone = 0;
        if (stage == MoveStage.Cleaned)
        {
            row.FinishedAt = row.UpdatedAt;
        }

        await context.SaveChangesAsync(cancellationToken);
        run.Move = row;
    }

    /// <summary>
    /// How far the current pass is: to the console every batch; to the catalog, for the System page, at most every
    /// <see cref="RecordEvery"/> and at the end of a pass (not audited: it is not a change of anything), renewing the
    /// lease with it. A write per batch would lengthen the freeze for nothing.
    /// </summary>
    private async Task ReportAsync(Run run, string step, int done, CancellationToken cancellationToken)
    {
        var move = run.Move;
        var total = move.LastBucket - move.FirstBucket + 1;
        run.Progress?.Report(new BucketMoveProgress(move.Stage, step, done, total));
        move.BucketsDone = done;
        if (done != 0 && done != total && Stopwatch.GetElapsedTime(run.RecordedAt) < RecordEvery)
        {
            return;
        }

        run.RecordedAt = Stopwatch.GetTimestamp();
        move.UpdatedAt = clock.GetUtcNow();
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        await context.BucketMoves.Where(m => m.Id == move.Id).ExecuteUpdateAsync(
            m => m.SetProperty(x => x.BucketsDone, done).SetProperty(x => x.UpdatedAt, move.UpdatedAt), cancellationToken);

        // Working: the lease stays this command's.
        await run.Leases.TryAcquireAsync(LeaseName, _holder, LeaseDuration, cancellationToken);
    }

    private async Task PassAsync(string checkpoint)
    {
        if (Checkpoint is { } pass)
        {
            await pass(checkpoint);
        }
    }

    // ---- Copy and catch up -------------------------------------------------------------------------------------

    /// <summary>Makes the target's rows of the range what the source's are, batch by batch; returns how many rows it changed.</summary>
    private async Task<int> SyncRangeAsync(Run run, string step, CancellationToken cancellationToken)
    {
        var move = run.Move;
        var changed = 0;
        await ReportAsync(run, step, 0, cancellationToken);
        foreach (var (first, last) in Groups(move.FirstBucket, move.LastBucket))
        {
            changed += await SyncGroupAsync(move.Source, move.Target, first, last, cancellationToken);
            await ReportAsync(run, step, last - move.FirstBucket + 1, cancellationToken);
            await PassAsync("copied");
        }

        return changed;
    }

    private Task<int> SyncGroupAsync(string source, string target, int first, int last, CancellationToken cancellationToken) =>
        SyncAsync(source, target, new RowScope(first, last), cancellationToken);

    /// <summary>Makes the target's rows in <paramref name="scope"/> what the source's are; returns how many rows it changed.</summary>
    private async Task<int> SyncAsync(string source, string target, RowScope scope, CancellationToken cancellationToken)
    {
        await using var from = shards.Create(source);
        await using var to = shards.Create(target);
        to.CopiesForMove = true;

        var patients = await DiffAsync<Patient>(from, to, scope, cancellationToken);
        var visits = await DiffAsync<Visit>(from, to, scope, cancellationToken);
        var enrollments = await DiffAsync<Enrollment>(from, to, scope, cancellationToken);

        // Updates before inserts (a consent withdrawn and given again must not meet itself in the unique index), parents
        // before children; deletes children first.
        await StageUpsertsAsync<Patient>(from, to, patients, updates: true, cancellationToken);
        await StageUpsertsAsync<Visit>(from, to, visits, updates: true, cancellationToken);
        await StageUpsertsAsync<Enrollment>(from, to, enrollments, updates: true, cancellationToken);
        await to.SaveChangesAsync(cancellationToken);
        to.ChangeTracker.Clear();
        await StageUpsertsAsync<Patient>(from, to, patients, updates: false, cancellationToken);
        await StageUpsertsAsync<Visit>(from, to, visits, updates: false, cancellationToken);
        await StageUpsertsAsync<Enrollment>(from, to, enrollments, updates: false, cancellationToken);
        await to.SaveChangesAsync(cancellationToken);
        to.ChangeTracker.Clear();

        await DeleteAsync<Enrollment>(to, enrollments.Deletes, cancellationToken);
        await DeleteAsync<Visit>(to, visits.Deletes, cancellationToken);
        await DeleteAsync<Patient>(to, patients.Deletes, cancellationToken);
        return patients.Count + visits.Count + enrollments.Count;
    }

    private sealed record Diff(List<Guid> Inserts, Dictionary<Guid, int> Updates, List<Guid> Deletes)
    {
        public int Count => Inserts.Count + Updates.Count + Deletes.Count;
    }

    /// <summary>The rows a step works on: those of a range of buckets, or of some patients within it.</summary>
    private sealed record RowScope(int First, int Last, Guid[]? Patients = null);

    private static IQueryable<T> InRange<T>(ShardDbContext context, int first, int last)
        where T : class =>
        context.Set<T>().IgnoreQueryFilters().AsNoTracking()
            .Where(row => EF.Property<int>(row, "Bucket") >= first && EF.Property<int>(row, "Bucket") <= last);

    private static IQueryable<T> InScope<T>(ShardDbContext context, RowScope scope)
        where T : class
    {
        var rows = InRange<T>(context, scope.First, scope.Last);
        if (scope.Patients is { } patients)
        {
            var column = PatientColumn<T>();
            rows = rows.Where(row => patients.Contains(EF.Property<Guid>(row, column)));
        }

        return rows;
    }

    /// <summary>The column that names a row's patient.</summary>
    private static string PatientColumn<T>() => typeof(T) == typeof(Patient) ? "Id" : "PatientId";

    private static Task<Dictionary<Guid, int>> KeysAsync<T>(ShardDbContext context, RowScope scope, CancellationToken cancellationToken)
        where T : class =>
        InScope<T>(context, scope)
            .Select(row => new { Id = EF.Property<Guid>(row, "Id"), Version = EF.Property<int>(row, "Version") })
            .ToDictionaryAsync(row => row.Id, row => row.Version, cancellationToken);

    private static async Task<Diff> DiffAsync<T>(ShardDbContext from, ShardDbContext to, RowScope scope, CancellationToken cancellationToken)
        where T : class
    {
        var source = await KeysAsync<T>(from, scope, cancellationToken);
        var target = await KeysAsync<T>(to, scope, cancellationToken);
        return new Diff(
            [.. source.Keys.Where(id => !target.ContainsKey(id))],
            source.Where(s => target.TryGetValue(s.Key, out var version) && version != s.Value)
                .ToDictionary(s => s.Key, s => target[s.Key]),
            [.. target.Keys.Where(id => !source.ContainsKey(id))]);
    }

    /// <summary>
    /// Reads the rows to copy from the source and stages them on the target as they are, versions included: an update
    /// expects the version the target has (nothing else writes there while the map sends the buckets to the source).
    /// </summary>
    private static async Task StageUpsertsAsync<T>(ShardDbContext from, ShardDbContext to, Diff diff, bool updates, CancellationToken cancellationToken)
        where T : class
    {
        List<Guid> ids = updates ? [.. diff.Updates.Keys] : diff.Inserts;
        foreach (var chunk in ids.Chunk(500))
        {
            var rows = await from.Set<T>().IgnoreQueryFilters().AsNoTracking()
                .Where(row => chunk.Contains(EF.Property<Guid>(row, "Id")))
                .ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                if (updates)
                {
                    var entry = to.Update(row);
                    entry.Property("Version").OriginalValue = diff.Updates[(Guid)entry.Property("Id").CurrentValue!];
                }
                else
                {
                    to.Add(row);
                }
            }
        }
    }

    private static async Task DeleteAsync<T>(ShardDbContext context, List<Guid> ids, CancellationToken cancellationToken)
        where T : class
    {
        foreach (var chunk in ids.Chunk(500))
        {
            await context.Set<T>().IgnoreQueryFilters().Where(row => chunk.Contains(EF.Property<Guid>(row, "Id")))
                .ExecuteDeleteAsync(cancellationToken);
        }
    }

    // ---- The audit history -------------------------------------------------------------------------------------

    /// <summary>
    /// Copies the source's audit entries that name a patient of the range (changes, and reads: who viewed the record)
    /// to the target's archive, verbatim, from where the last pass stopped; and the entries the source had archived
    /// itself for those patients (they moved there before).
    /// </summary>
    private async Task ArchiveAsync(Run run, CancellationToken cancellationToken)
    {
        var move = run.Move;
        bool InRange(int bucket) => bucket >= move.FirstBucket && bucket <= move.LastBucket;
        await using var from = shards.Create(move.Source);
        while (true)
        {
            var through = move.ArchivedThrough;
            var batch = await from.Set<AuditEntry>().AsNoTracking().Where(e => e.Sequence > through)
                .OrderBy(e => e.Sequence).Take(AuditBatch).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            await ArchiveOnTargetAsync(move.Target,
                [.. batch.Where(e => Fences.BucketsOf(e).Any(InRange)).Select(e => ArchivedAuditEntry.Of(move.Source, e))], cancellationToken);
            move.ArchivedThrough = batch[^1].Sequence;
            await using var context = await catalog.CreateDbContextAsync(cancellationToken);
            await context.BucketMoves.Where(m => m.Id == move.Id)
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.ArchivedThrough, move.ArchivedThrough), cancellationToken);
        }

        (string Database, long Sequence) after = ("", 0);
#pragma warning disable CA1309 // In EF queries string.Compare becomes a SQL comparison.
        while (true)
        {
            var (database, sequence) = after;
            var batch = await from.ArchivedAuditEntries.AsNoTracking()
                .Where(e => string.Compare(e.Database, database) > 0 || (e.Database == database && e.Sequence > sequence))
                .OrderBy(e => e.Database).ThenBy(e => e.Sequence).Take(AuditBatch).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            await ArchiveOnTargetAsync(move.Target, [.. batch.Where(e => Fences.BucketsOf(e.ToEntry()).Any(InRange))], cancellationToken);
            after = (batch[^1].Database, batch[^1].Sequence);
        }
#pragma warning restore CA1309
        await PassAsync("archived");
    }

    private async Task ArchiveOnTargetAsync(string target, List<ArchivedAuditEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var to = shards.Create(target);
        to.CopiesForMove = true;
        foreach (var group in entries.GroupBy(e => e.Database))
        {
            var sequences = group.Select(e => e.Sequence).ToList();
            var there = (await to.ArchivedAuditEntries.AsNoTracking()
                .Where(e => e.Database == group.Key && sequences.Contains(e.Sequence))
                .Select(e => e.Sequence).ToListAsync(cancellationToken)).ToHashSet();
            to.ArchivedAuditEntries.AddRange(group.Where(e => !there.Contains(e.Sequence)));
        }

        await to.SaveChangesAsync(cancellationToken);
    }

    // ---- Fences, verification, flip ----------------------------------------------------------------------------

    /// <summary>
    /// Sets the fence of the move's range on <paramref name="shard"/> to <paramref name="state"/> (null: lifts any fence
    /// there), under the shard's audit head lock, which every write takes before it checks the fences. Fences of
    /// earlier moves that overlap the range are cut back to what lies outside it.
    /// </summary>
    private async Task SetFenceAsync(string shard, BucketMoveRow move, FenceState? state, CancellationToken cancellationToken)
    {
        await using var strategyContext = shards.Create(shard);
        await strategyContext.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var context = shards.Create(shard);
            await using var transaction = await context.Database.BeginTransactionAsync(ct);
            await using (var statements = new AuditChainStatements(context))
            {
                await statements.LockHeadAsync(ct);
            }

            var (first, last) = (move.FirstBucket, move.LastBucket);
            var overlapping = await context.BucketFences.Where(f => f.FirstBucket <= last && f.LastBucket >= first).ToListAsync(ct);
            BucketFence? kept = null;
            foreach (var fence in overlapping)
            {
                if (fence.LastBucket > last)
                {
                    context.BucketFences.Add(new BucketFence { FirstBucket = last + 1, LastBucket = fence.LastBucket, State = fence.State, MoveId = fence.MoveId });
                }

                if (fence.FirstBucket < first)
                {
                    fence.LastBucket = first - 1;
                }
                else if (fence.FirstBucket == first && state is not null)
                {
                    kept = fence;
                }
                else
                {
                    context.BucketFences.Remove(fence);
                }
            }

            if (state is { } set)
            {
                kept ??= context.BucketFences.Add(new BucketFence { FirstBucket = first }).Entity;
                (kept.LastBucket, kept.State, kept.MoveId) = (last, set, move.Id);
            }

            await context.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }

    // ---- Verification -----------------------------------------------------------------------------------------

    /// <summary>The move's tables, in the order their sums are reported.</summary>
    private static readonly string[] Tables = ["Patients", "Visits", "Enrollments"];

    /// <summary>The sequence of the source's last audit entry: every change committed after it has an entry after it.</summary>
    private async Task<long> AuditHeadAsync(string shard, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(shard);
        return await context.Set<AuditEntry>().MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
    }

    /// <summary>
    /// Before the freeze, while the source still takes writes: every row of the range read on both sides and compared
    /// by content (a digest of every column). A row both sides hold at the same version and with the same content is
    /// remembered as verified; one the source has changed since its copy is left to the freeze, which finds it through
    /// the audit trail. A row both sides hold at the same version but with different content was copied wrong or changed
    /// behind the portal's back: it is copied again, checked once more inside the freeze, and the count logged (not the
    /// content).
    /// </summary>
    private async Task VerifyBeforeFreezeAsync(Run run, CancellationToken cancellationToken)
    {
        var move = run.Move;
        var verified = new RowMarks();
        await ReportAsync(run, "Verifying", 0, cancellationToken);
        foreach (var (first, last) in Groups(move.FirstBucket, move.LastBucket))
        {
            var scope = new RowScope(first, last);
            var sides = await Task.WhenAll(
                Task.Run(() => MarksAsync(move.Source, scope, cancellationToken), cancellationToken),
                Task.Run(() => MarksAsync(move.Target, scope, cancellationToken), cancellationToken));
            var (source, target) = (sides[0], sides[1]);
            var recopy = new Diff[Tables.Length];
            for (var table = 0; table < Tables.Length; table++)
            {
                recopy[table] = new Diff([], [], []);
                foreach (var (id, mark) in source[table])
                {
                    if (target[table].TryGetValue(id, out var copy) && copy.Version == mark.Version)
                    {
                        if (copy == mark)
                        {
                            verified[table][id] = mark;
                        }
                        else
                        {
                            recopy[table].Updates[id] = copy.Version;
                            run.Recopied.Add(mark.Patient);
                        }
                    }
                }
            }

            await RecopyAsync(run, recopy, cancellationToken);
            await ReportAsync(run, "Verifying", last - move.FirstBucket + 1, cancellationToken);
        }

        run.Verified = verified;
    }

    /// <summary>Copies again the rows the target holds at the source's version but with other content.</summary>
    private async Task RecopyAsync(Run run, Diff[] recopy, CancellationToken cancellationToken)
    {
        if (recopy.All(diff => diff.Count == 0))
        {
            return;
        }

        var move = run.Move;
        LogRecopied(logger, move.FirstBucket, move.LastBucket, recopy.Sum(diff => diff.Count));
        await using var from = shards.Create(move.Source);
        await using var to = shards.Create(move.Target);
        to.CopiesForMove = true;
        await StageUpsertsAsync<Patient>(from, to, recopy[0], updates: true, cancellationToken);
        await StageUpsertsAsync<Visit>(from, to, recopy[1], updates: true, cancellationToken);
        await StageUpsertsAsync<Enrollment>(from, to, recopy[2], updates: true, cancellationToken);
        await to.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Inside the freeze, after a run that verified before it: the patients the source's audit trail names in changes
    /// after the last catch-up began (every change to a row writes an entry naming its patient in the same transaction,
    /// and the entries are numbered in commit order), with those whose rows were copied again. Only their rows can
    /// differ from what was verified.
    /// </summary>
    private async Task<Guid[]> ChangedSinceAsync(Run run, long since, CancellationToken cancellationToken)
    {
        var move = run.Move;
        var read = AuditAction.Read.ToString();
        var patients = new HashSet<Guid>(run.Recopied);
        await using var from = shards.Create(move.Source);
        while (true)
        {
            var batch = await from.Set<AuditEntry>().AsNoTracking().Where(e => e.Sequence > since && e.Action != read)
                .OrderBy(e => e.Sequence).Take(AuditBatch).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return [.. patients];
            }

            foreach (var entry in batch.Where(e => e.PatientId is { } id && Buckets.ForPatient(id) >= move.FirstBucket && Buckets.ForPatient(id) <= move.LastBucket))
            {
                patients.Add(entry.PatientId!.Value);
            }

            since = batch[^1].Sequence;
        }
    }

    /// <summary>The rows of the changed patients made on the target what they are on the source.</summary>
    private async Task SyncChangedAsync(Run run, Guid[] patients, CancellationToken cancellationToken)
    {
        var move = run.Move;
        await ReportAsync(run, "Final catch-up", 0, cancellationToken);
        foreach (var chunk in patients.Chunk(500))
        {
            await SyncAsync(move.Source, move.Target, new RowScope(move.FirstBucket, move.LastBucket, chunk), cancellationToken);
            await PassAsync("copied");
        }

        await ReportAsync(run, "Final catch-up", move.LastBucket - move.FirstBucket + 1, cancellationToken);
    }

    /// <summary>
    /// Before the freeze, after the verification: the patients changed since the last catch-up began (found through the
    /// audit trail, as inside the freeze) copied and compared again, so that the freeze is left with the changes of a
    /// moment only. A row that still differs changed again since, and is in the next pass; one that differs at the same
    /// version is copied again and checked inside the freeze. Returns how many patients it caught up.
    /// </summary>
    private async Task<int> CatchUpChangedAsync(Run run, CancellationToken cancellationToken)
    {
        var move = run.Move;
        var verified = run.Verified!;
        var head = await AuditHeadAsync(move.Source, cancellationToken);
        var patients = await ChangedSinceAsync(run, run.CaughtUpFrom!.Value, cancellationToken);
        run.Recopied.Clear();
        await SyncChangedAsync(run, patients, cancellationToken);
        var changed = patients.ToHashSet();
        for (var table = 0; table < Tables.Length; table++)
        {
            foreach (var id in verified[table].Where(row => changed.Contains(row.Value.Patient)).Select(row => row.Key).ToList())
            {
                verified[table].Remove(id);
            }
        }

        foreach (var chunk in patients.Chunk(500))
        {
            var scope = new RowScope(move.FirstBucket, move.LastBucket, chunk);
            var sides = await Task.WhenAll(
                Task.Run(() => MarksAsync(move.Source, scope, cancellationToken), cancellationToken),
                Task.Run(() => MarksAsync(move.Target, scope, cancellationToken), cancellationToken));
            var recopy = Tables.Select(_ => new Diff([], [], [])).ToArray();
            for (var table = 0; table < Tables.Length; table++)
            {
                foreach (var (id, mark) in sides[0][table])
                {
                    if (sides[1][table].TryGetValue(id, out var copy) && copy.Version == mark.Version)
                    {
                        if (copy == mark)
                        {
                            verified[table][id] = mark;
                        }
                        else
                        {
                            recopy[table].Updates[id] = copy.Version;
                            run.Recopied.Add(mark.Patient);
                        }
                    }
                }
            }

            await RecopyAsync(run, recopy, cancellationToken);
        }

        run.CaughtUpFrom = head;
        return patients.Length;
    }

    /// <summary>
    /// Inside the freeze, after a run that verified before it: each table holds as many rows of the range on both
    /// sides as were verified (less what changed) plus the changed patients' rows; those rows are read on both sides
    /// and compared by content. The freeze so lasts as long as the changes of the last seconds take to copy and compare,
    /// whatever the size of the range.
    /// </summary>
    private async Task VerifyChangedAsync(Run run, RowMarks verified, Guid[] patients, CancellationToken cancellationToken)
    {
        var move = run.Move;
        await ReportAsync(run, "Verifying changes", 0, cancellationToken);
        var changed = patients.ToHashSet();
        var sums = new Dictionary<Guid, UInt128>[Tables.Length];
        for (var table = 0; table < Tables.Length; table++)
        {
            sums[table] = verified[table].Where(row => !changed.Contains(row.Value.Patient)).ToDictionary(row => row.Key, row => row.Value.Digest);
        }

        var differing = new SortedSet<int>();
        foreach (var chunk in patients.Chunk(500))
        {
            var scope = new RowScope(move.FirstBucket, move.LastBucket, chunk);
            var sides = await Task.WhenAll(
                Task.Run(() => MarksAsync(move.Source, scope, cancellationToken), cancellationToken),
                Task.Run(() => MarksAsync(move.Target, scope, cancellationToken), cancellationToken));
            Compare(sides[0], sides[1], sums, differing);
        }

        var counts = await Task.WhenAll(
            Task.Run(() => CountsAsync(move.Source, move.FirstBucket, move.LastBucket, cancellationToken), cancellationToken),
            Task.Run(() => CountsAsync(move.Target, move.FirstBucket, move.LastBucket, cancellationToken), cancellationToken));
        for (var table = 0; table < Tables.Length; table++)
        {
            if (counts[0][table] != sums[table].Count || counts[1][table] != sums[table].Count)
            {
                differing.Add(table);
            }
        }

        await FinishVerificationAsync(run, sums, differing, cancellationToken);
    }

    /// <summary>
    /// Inside the freeze of a move resumed there (nothing verified in this run): every row of the range read on both
    /// sides and compared by content.
    /// </summary>
    private async Task VerifyAllAsync(Run run, CancellationToken cancellationToken)
    {
        var move = run.Move;
        await ReportAsync(run, "Verifying", 0, cancellationToken);
        var sums = Tables.Select(_ => new Dictionary<Guid, UInt128>()).ToArray();
        var differing = new SortedSet<int>();
        foreach (var (first, last) in Groups(move.FirstBucket, move.LastBucket))
        {
            var scope = new RowScope(first, last);
            var sides = await Task.WhenAll(
                Task.Run(() => MarksAsync(move.Source, scope, cancellationToken), cancellationToken),
                Task.Run(() => MarksAsync(move.Target, scope, cancellationToken), cancellationToken));
            Compare(sides[0], sides[1], sums, differing);
            await ReportAsync(run, "Verifying", last - move.FirstBucket + 1, cancellationToken);
        }

        await FinishVerificationAsync(run, sums, differing, cancellationToken);
    }

    /// <summary>Both sides' rows must be the same rows with the same content; the source's go into the sums.</summary>
    private static void Compare(RowMarks source, RowMarks target, Dictionary<Guid, UInt128>[] sums, SortedSet<int> differing)
    {
        for (var table = 0; table < Tables.Length; table++)
        {
            if (source[table].Count != target[table].Count)
            {
                differing.Add(table);
            }

            foreach (var (id, mark) in source[table])
            {
                if (!target[table].TryGetValue(id, out var copy) || copy != mark)
                {
                    differing.Add(table);
                }

                sums[table][id] = mark.Digest;
            }
        }
    }

    /// <summary>
    /// Counts and a SHA-256 per table over the range's rows (each row's id and content digest, in id order), or, when
    /// the sides differ, the fence lifted, the move left copying and stopped with the tables that differ: a fault to
    /// look into, not something to flip over.
    /// </summary>
    private async Task FinishVerificationAsync(Run run, Dictionary<Guid, UInt128>[] sums, SortedSet<int> differing, CancellationToken cancellationToken)
    {
        var move = run.Move;
        if (differing.Count > 0)
        {
            await SetFenceAsync(move.Source, move, state: null, cancellationToken);
            await SetStageAsync(run, MoveStage.Copying, cancellationToken);
            throw new BucketMoveVerificationException(
                $"Verification found the target's {string.Join(", ", differing.Select(table => Tables[table]))} of buckets " +
                $"{move.FirstBucket}-{move.LastBucket} different from the source's. The source serves them as before, and the " +
                "move is back to copying: run the same command again.");
        }

        (move.Patients, move.Visits, move.Enrollments) = (sums[0].Count, sums[1].Count, sums[2].Count);
        move.Checksums = string.Join(";", Tables.Select((table, i) => $"{table}:{TableSum(sums[i])}"));
        await ReportAsync(run, "Verifying", move.LastBucket - move.FirstBucket + 1, cancellationToken);
    }

    private async Task<int[]> CountsAsync(string shard, int first, int last, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(shard);
        return
        [
            await InRange<Patient>(context, first, last).CountAsync(cancellationToken),
            await InRange<Visit>(context, first, last).CountAsync(cancellationToken),
            await InRange<Enrollment>(context, first, last).CountAsync(cancellationToken),
        ];
    }

    /// <summary>A row as compared: its patient, its version and the first 128 bits of the SHA-256 of its content.</summary>
    private readonly record struct RowMark(Guid Patient, int Version, UInt128 Digest);

    /// <summary>Per table (in <see cref="Tables"/>' order), rows by id.</summary>
    private sealed class RowMarks
    {
        private readonly Dictionary<Guid, RowMark>[] _tables = [[], [], []];

        public Dictionary<Guid, RowMark> this[int table] => _tables[table];
    }

    /// <summary>The marks of the rows in <paramref name="scope"/> on one shard.</summary>
    private async Task<RowMarks> MarksAsync(string shard, RowScope scope, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(shard);
        var marks = new RowMarks();
        await MarksAsync<Patient>(context, scope, marks[0], cancellationToken);
        await MarksAsync<Visit>(context, scope, marks[1], cancellationToken);
        await MarksAsync<Enrollment>(context, scope, marks[2], cancellationToken);
        return marks;
    }

    /// <summary>A row's digest is taken over every column, by name, as invariant text.</summary>
    private static async Task MarksAsync<T>(ShardDbContext context, RowScope scope, Dictionary<Guid, RowMark> marks, CancellationToken cancellationToken)
        where T : class
    {
        var properties = context.Model.FindEntityType(typeof(T))!.GetProperties()
            .OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => (p.Name, Getter: p.GetGetter())).ToList();
        var idOf = properties.Single(p => p.Name == "Id").Getter;
        var versionOf = properties.Single(p => p.Name == "Version").Getter;
        var patientOf = properties.Single(p => p.Name == PatientColumn<T>()).Getter;
        var text = new StringBuilder();
        var digest = new byte[SHA256.HashSizeInBytes];
        foreach (var row in await InScope<T>(context, scope).ToListAsync(cancellationToken))
        {
            text.Clear();
            foreach (var (name, getter) in properties)
            {
                text.Append(name).Append('=')
                    .Append(CanonicalValue.Format(getter.GetClrValueUsingContainingEntity(row)) ?? "\u2400").Append('\u001f');
            }

            SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), digest);
            marks[(Guid)idOf.GetClrValueUsingContainingEntity(row)!] = new RowMark(
                (Guid)patientOf.GetClrValueUsingContainingEntity(row)!,
                (int)versionOf.GetClrValueUsingContainingEntity(row)!,
                BinaryPrimitives.ReadUInt128BigEndian(digest));
        }
    }

    private static string TableSum(Dictionary<Guid, UInt128> digests)
    {
        var ids = digests.Keys.ToArray();
        Array.Sort(ids);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> row = stackalloc byte[32];
        foreach (var id in ids)
        {
            id.TryWriteBytes(row[..16], bigEndian: true, out _);
            BinaryPrimitives.WriteUInt128BigEndian(row[16..], digests[id]);
            hash.AppendData(row);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// One catalog transaction: the map sends the range to the target (ranges split, neighbours of one shard joined),
    /// its version moves on, and the move is flipped with what it verified.
    /// </summary>
    private async Task FlipAsync(Run run, CancellationToken cancellationToken)
    {
        var move = run.Move;
        await using var strategyContext = await catalog.CreateDbContextAsync(cancellationToken);
        await strategyContext.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var context = await catalog.CreateDbContextAsync(ct);
            context.Actor = run.Actor;
            await using var transaction = await context.Database.BeginTransactionAsync(ct);
            var row = await context.BucketMoves.SingleAsync(m => m.Id == move.Id, ct);
            if (row.Stage != MoveStage.Frozen)
            {
                return;
            }

            var rows = await context.ShardRanges.ToListAsync(ct);
            var owners = new string[Buckets.Count];
            foreach (var range in rows)
            {
                Array.Fill(owners, range.Shard, range.FirstBucket, range.LastBucket - range.FirstBucket + 1);
            }

            Array.Fill(owners, move.Target, move.FirstBucket, move.LastBucket - move.FirstBucket + 1);
            var ranges = new Dictionary<int, (int Last, string Shard)>();
            for (var start = 0; start < Buckets.Count;)
            {
                var end = start;
                while (end + 1 < Buckets.Count && SameShard(owners[end + 1], owners[start]))
                {
                    end++;
                }

                ranges[start] = (end, owners[start]);
                start = end + 1;
            }

            foreach (var range in rows)
            {
                if (ranges.Remove(range.FirstBucket, out var kept))
                {
                    (range.LastBucket, range.Shard) = kept;
                }
                else
                {
                    context.ShardRanges.Remove(range);
                }
            }

            context.ShardRanges.AddRange(ranges.Select(r => new ShardRangeRow { FirstBucket = r.Key, LastBucket = r.Value.Last, Shard = r.Value.Shard }));
            var state = await context.ShardMapState.SingleAsync(s => s.Id == ShardMapStateRow.SingletonId, ct);
            state.Version++;
            row.Stage = MoveStage.Flipped;
            row.UpdatedAt = clock.GetUtcNow();
            row.BucketsDone = 0;
            (row.Patients, row.Visits, row.Enrollments, row.Checksums) = (move.Patients, move.Visits, move.Enrollments, move.Checksums);
            await context.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);

        await using var reread = await catalog.CreateDbContextAsync(cancellationToken);
        run.Move = await reread.BucketMoves.AsNoTracking().SingleAsync(m => m.Id == move.Id, cancellationToken);
        LogFlipped(logger, move.FirstBucket, move.LastBucket, move.Target);
    }

    // ---- Clean up ----------------------------------------------------------------------------------------------

    /// <summary>Deletes the source's rows of the range, batch by batch; its fence stays.</summary>
    private async Task DeleteFromSourceAsync(Run run, CancellationToken cancellationToken)
    {
        var move = run.Move;
        await ReportAsync(run, "Deleting from source", 0, cancellationToken);
        foreach (var (first, last) in Groups(move.FirstBucket, move.LastBucket))
        {
            await using var strategyContext = shards.Create(move.Source);
            await strategyContext.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                await using var context = shards.Create(move.Source);
                await using var transaction = await context.Database.BeginTransactionAsync(ct);
                await InRange<Enrollment>(context, first, last).ExecuteDeleteAsync(ct);
                await InRange<Visit>(context, first, last).ExecuteDeleteAsync(ct);
                await InRange<Patient>(context, first, last).ExecuteDeleteAsync(ct);
                await transaction.CommitAsync(ct);
            }, cancellationToken);
            await ReportAsync(run, "Deleting from source", last - move.FirstBucket + 1, cancellationToken);
            await PassAsync("deleted");
        }
    }

    /// <summary>The move in the source's and the target's own trails (once each, however often this runs).</summary>
    private async Task AuditOnShardsAsync(Run run, CancellationToken cancellationToken)
    {
        var move = run.Move;
        var resourceId = $"bucket-move/{move.Id:D}";
        foreach (var (shard, direction) in new[] { (move.Source, "out"), (move.Target, "in") })
        {
            await using var strategyContext = shards.Create(shard);
            await strategyContext.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                await using var context = shards.Create(shard);
                if (await context.Set<AuditEntry>().AnyAsync(e => e.ResourceId == resourceId, ct))
                {
                    return;
                }

                await using var transaction = await context.Database.BeginTransactionAsync(ct);
                await chain.AppendAsync(context, [new AuditEntry
                {
                    ActorId = run.Actor.AccountId,
                    ActorName = run.Actor.Name,
                    Action = AuditAction.Update.ToString(),
                    Resource = Resource.Role.ToString(),
                    ResourceId = resourceId,
                    Changes = JsonSerializer.Serialize(
                        new List<AuditChange>
                        {
                            new("BucketMove", null, direction),
                            new("Buckets", null, $"{move.FirstBucket}-{move.LastBucket}"),
                            new("Source", null, move.Source),
                            new("Target", null, move.Target),
                            new("Patients", null, move.Patients.ToString(CultureInfo.InvariantCulture)),
                            new("Visits", null, move.Visits.ToString(CultureInfo.InvariantCulture)),
                            new("Enrollments", null, move.Enrollments.ToString(CultureInfo.InvariantCulture)),
                        },
                        AuditJson.Default.ListAuditChange),
                }], ct);
                await context.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }, cancellationToken);
        }
    }

    // ---- Helpers -----------------------------------------------------------------------------------------------

    private static IEnumerable<(int First, int Last)> Groups(int first, int last)
    {
        for (var start = first; start <= last; start += GroupSize)
        {
            yield return (start, Math.Min(last, start + GroupSize - 1));
        }
    }

    private string? KnownShard(string name) => shards.Known.FirstOrDefault(known => SameShard(known, name));

    private static bool SameShard(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static BucketMoveStatus StatusOf(BucketMoveRow row) => new(
        row.Id, row.FirstBucket, row.LastBucket, row.Source, row.Target, row.Stage, row.BucketsDone, row.StartedBy,
        row.StartedAt, row.UpdatedAt, row.FinishedAt, row.Patients, row.Visits, row.Enrollments);

    private sealed class Run(BucketMoveRow move, AuditActor actor, IProgress<BucketMoveProgress>? progress, CatalogLeases leases)
    {
        public BucketMoveRow Move { get; set; } = move;

        public AuditActor Actor { get; } = actor;

        public IProgress<BucketMoveProgress>? Progress { get; } = progress;

        public CatalogLeases Leases { get; } = leases;

        /// <summary>When progress was last written to the catalog.</summary>
        public long RecordedAt { get; set; } = Stopwatch.GetTimestamp();

        /// <summary>The source's last audit entry when the last catch-up began: what changed after it is in later entries.</summary>
        public long? CaughtUpFrom { get; set; }

        /// <summary>The rows verified before the freeze (none when the move resumed in it).</summary>
        public RowMarks? Verified { get; set; }

        /// <summary>The patients with rows copied again by the verification before the freeze.</summary>
        public HashSet<Guid> Recopied { get; } = [];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bucket move {First}-{Last} from {Source} to {Target}: {Stage}.")]
    private static partial void LogStage(ILogger logger, int first, int last, string source, string target, string stage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bucket move {First}-{Last}: the map sends the buckets to {Target} now.")]
    private static partial void LogFlipped(ILogger logger, int first, int last, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bucket move {First}-{Last}: verification found {Rows} row(s) the target held at the source's version with other content; they were copied again.")]
    private static partial void LogRecopied(ILogger logger, int first, int last, int rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bucket move {First}-{Last}: writes to the buckets were held back for {Milliseconds:0} ms ({Steps}).")]
    private static partial void LogFreeze(ILogger logger, int first, int last, double milliseconds, string steps);
}
