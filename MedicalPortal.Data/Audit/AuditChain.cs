using System.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// Appends entries to a database's chain inside the caller's transaction. The first statement is a write to the
/// chain head row, which takes the write lock (SQLite) or that row's lock (PostgreSQL, SQL Server) before the head is
/// read: concurrent writers queue there, so each extends the head the previous one committed, and the chain never
/// forks (docs/decisions/0013).
/// </summary>
internal sealed class AuditChain(AuditKeyRing keys, TimeProvider clock)
{
    /// <summary>
    /// Seals <paramref name="entries"/> (sequence and hashes are filled in here) and adds them to
    /// <paramref name="context"/>, whose SaveChanges inserts them with the change they record.
    /// </summary>
    public async Task AppendAsync(DbContext context, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        await SealAsync(context, entries, cancellationToken);
        foreach (var entry in entries)
        {
            context.Add(entry);
        }
    }

    /// <summary>
    /// Takes the head's lock, seals <paramref name="entries"/> after the head and moves the head past them, all in the
    /// context's current transaction. The caller inserts the entries in that same transaction.
    /// </summary>
    public async Task SealAsync(DbContext context, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        if (context.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Audit entries must be appended inside the transaction of the change they record.");
        }

        await context.Database.ExecuteSqlRawAsync(
            "UPDATE \"AuditChainHead\" SET \"Sequence\" = \"Sequence\" WHERE \"Id\" = 1", cancellationToken);
        var head = await context.Set<AuditChainHead>().AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.SingletonId, cancellationToken);

        var now = AuditSeal.Truncate(clock.GetUtcNow());
        var correlation = Activity.Current?.TraceId.ToString();
        var sequence = head.Sequence;
        var previous = head.Hash;
        foreach (var entry in entries)
        {
            entry.Sequence = ++sequence;
            entry.Timestamp = now;
            entry.CorrelationId ??= correlation;
            entry.PreviousHash = previous;
            entry.Hash = AuditSeal.Compute(keys.Key, entry);
            previous = entry.Hash;
        }

        var seal = AuditSeal.ForHead(keys.Key, sequence, previous);
        await context.Database.ExecuteSqlAsync(
            $"UPDATE \"AuditChainHead\" SET \"Sequence\" = {sequence}, \"Hash\" = {previous}, \"Seal\" = {seal} WHERE \"Id\" = 1",
            cancellationToken);
    }
}
