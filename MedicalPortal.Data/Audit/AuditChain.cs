using System.Diagnostics;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// Appends entries to a database's chain inside the caller's transaction. The first statement is a write to the
/// chain head row, which takes the write lock (SQLite) or that row's lock (PostgreSQL, SQL Server) before the head is
/// read: concurrent writers queue there, so each extends the head the previous one committed, and the chain never
/// forks (docs/decisions/0013). The head is sealed with the name of its database (<see cref="AuditDatabaseNames"/>): a
/// head still sealed the earlier way, without it, is sealed anew by the next append (docs/decisions/0027).
/// </summary>
internal sealed class AuditChain(AuditKeyRing keys, TimeProvider clock, AuditDatabaseNames databases)
{
    /// <summary>
    /// Seals <paramref name="entries"/> (sequence and hashes are filled in here) and adds them to
    /// <paramref name="context"/>, whose SaveChanges inserts them with the change they record.
    /// </summary>
    public async Task AppendAsync(DbContext context, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        if (context.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Audit entries must be appended inside the transaction of the change they record.");
        }

        var database = databases.Of(context);

        // The same head statements as the access log's writer, built for this one save. The fences are read under the
        // head lock, which a bucket move takes to set them: this change either committed before the fence, or sees it
        // now and is not written (docs/decisions/0022).
        await using var statements = new AuditChainStatements(context);
        var (sequence, hash, fences) = await statements.OpenHeadAsync(cancellationToken);
        Fences.ThrowIfFenced(fences, entries.SelectMany(Fences.BucketsOf));

        var moved = Seal(database, sequence, hash, entries);
        foreach (var entry in entries)
        {
            context.Add(entry);
        }

        await statements.MoveHeadAsync(moved, cancellationToken);
    }

    /// <summary>
    /// The same through prepared <paramref name="statements"/>, in their context's current transaction: lock and read
    /// the head, seal, insert the entries and move the head (two round trips to a server). On a shard, entries naming a
    /// patient whose bucket has moved away are not appended: they are returned, for the access log to send where the
    /// map now sends them.
    /// </summary>
    public async Task<IReadOnlyList<AuditEntry>> AppendAsync(
        AuditChainStatements statements, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return [];
        }

        var database = databases.Of(statements.Context);
        var (sequence, hash, fences) = await statements.OpenHeadAsync(cancellationToken);
        IReadOnlyList<AuditEntry> refused = [];
        if (fences.Count > 0)
        {
            // Reads go on while buckets are frozen; only a bucket moved away refuses its entries.
            var moved = fences.Where(f => f.State == FenceState.Moved).ToList();
            refused = [.. entries.Where(e => Fences.BucketsOf(e).Any(b => moved.Any(f => f.FirstBucket <= b && f.LastBucket >= b)))];
            entries = [.. entries.Except(refused)];
        }

        if (entries.Count > 0)
        {
            var head = Seal(database, sequence, hash, entries);
            await statements.InsertAndMoveHeadAsync(entries, head, cancellationToken);
        }

        return refused;
    }

    /// <summary>The newest entry this context has appended (and still tracks), or null.</summary>
    public static AuditEntry? LastAppended(DbContext context) =>
        context.ChangeTracker.Entries<AuditEntry>().Select(e => e.Entity).MaxBy(e => e.Sequence);

    /// <summary>
    /// Whether <paramref name="entry"/> is in the database as it was sealed: the answer for a whole change whose
    /// commit failed with an unknown outcome, since its entries commit with it or not at all.
    /// </summary>
    public static Task<bool> IsCommittedAsync(DbContext context, AuditEntry entry, CancellationToken cancellationToken) =>
        context.Set<AuditEntry>().AsNoTracking()
            .AnyAsync(e => e.Sequence == entry.Sequence && e.Hash == entry.Hash, cancellationToken);

    /// <summary>Detaches entries appended for a save that did not commit, before the save is tried again.</summary>
    public static void ForgetUnsaved(DbContext context)
    {
        foreach (var entry in context.ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }

    /// <summary>Numbers and seals <paramref name="entries"/> after the head; returns the head that follows them, sealed for <paramref name="database"/>.</summary>
    private AuditChainHead Seal(string database, long sequence, byte[] previous, IReadOnlyList<AuditEntry> entries)
    {
        var now = AuditSeal.Truncate(clock.GetUtcNow());
        var correlation = Activity.Current?.TraceId.ToString();
        foreach (var entry in entries)
        {
            entry.Sequence = ++sequence;
            entry.Timestamp = now;
            entry.CorrelationId ??= correlation;
            entry.PreviousHash = previous;
            entry.Hash = AuditSeal.Compute(keys.Key, entry);
            previous = entry.Hash;
        }

        return new AuditChainHead { Sequence = sequence, Hash = previous, Seal = AuditSeal.ForHead(keys.Key, database, sequence, previous) };
    }
}
