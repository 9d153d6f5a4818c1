using MedicalPortal.Core.Audit;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// Walks one chain in sequence order, in batches, and names the first entry that is wrong:
/// a gap in the sequence is <b>missing</b>; an entry whose seal is valid for another position is <b>reordered</b>;
/// an entry whose seal no longer matches but whose successor (or the head) still links to it was <b>changed</b>; any
/// other entry with a bad seal, or beyond the last sequence the head issued, was <b>inserted</b>.
/// </summary>
internal sealed class AuditVerifier(byte[] key)
{
    private const int BatchSize = 2000;
    private const int ReorderWindow = 64;

    public async Task<ChainVerification> VerifyAsync(DbContext context, string database, CancellationToken cancellationToken)
    {
        var head = await context.Set<AuditChainHead>().AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.SingletonId, cancellationToken);

        // A head whose seal does not match was moved by someone without the key: it is read as a claim, never as proof.
        var headIsGenuine = AuditSeal.HeadIsGenuine(key, head);
        var entries = context.Set<AuditEntry>().AsNoTracking();

        var expected = 1L;
        var previous = new byte[32];
        var count = 0L;
        AuditEntry? pending = null;
        var lastSeen = 0L;
        while (true)
        {
            var batch = await entries.Where(e => e.Sequence > lastSeen).OrderBy(e => e.Sequence).Take(BatchSize).ToListAsync(cancellationToken);
            foreach (var next in batch)
            {
                if (pending is not null && Check(pending, next, head, headIsGenuine, ref expected, ref previous) is { } problem)
                {
                    return new ChainVerification(database, count, problem);
                }

                if (pending is not null)
                {
                    count++;
                }

                pending = next;
                lastSeen = next.Sequence;
            }

            if (batch.Count < BatchSize)
            {
                break;
            }
        }

        if (pending is not null)
        {
            if (Check(pending, next: null, head, headIsGenuine, ref expected, ref previous) is { } problem)
            {
                return new ChainVerification(database, count, problem);
            }

            count++;
        }

        if (head.Sequence >= expected)
        {
            return new ChainVerification(database, count, new ChainProblem(expected, ChainProblemKind.Missing,
                $"The chain head says {head.Sequence} entries were written, but the chain ends at {expected - 1}: entries were deleted."));
        }

        if (!headIsGenuine && head.Sequence == expected - 1 && head.Hash.AsSpan().SequenceEqual(previous))
        {
            // The head points exactly at the last entry but was not sealed by the chain: it was rolled back over
            // deleted newest entries.
            return new ChainVerification(database, count, new ChainProblem(expected, ChainProblemKind.Missing,
                $"The chain head was moved back to entry {expected - 1} without the key: the entries after it were deleted."));
        }

        if (!headIsGenuine || !head.Hash.AsSpan().SequenceEqual(previous))
        {
            return new ChainVerification(database, count, new ChainProblem(head.Sequence, ChainProblemKind.Changed,
                "The chain head does not match the last entry."));
        }

        return new ChainVerification(database, count, null);
    }

    private ChainProblem? Check(
        AuditEntry entry, AuditEntry? next, AuditChainHead head, bool headIsGenuine, ref long expected, ref byte[] previous)
    {
        if (entry.Sequence > head.Sequence)
        {
            return new ChainProblem(entry.Sequence, ChainProblemKind.Inserted,
                $"Entry {entry.Sequence} lies beyond the last sequence the chain head issued ({head.Sequence}).");
        }

        if (entry.Sequence > expected)
        {
            return new ChainProblem(expected, ChainProblemKind.Missing,
                $"Entry {expected} is missing (the next entry present is {entry.Sequence}).");
        }

        var sealedHere = AuditSeal.Compute(key, entry).AsSpan().SequenceEqual(entry.Hash);
        if (sealedHere && entry.PreviousHash.AsSpan().SequenceEqual(previous))
        {
            expected++;
            previous = entry.Hash;
            return null;
        }

        if (SealedAt(entry) is { } original && original != entry.Sequence)
        {
            return new ChainProblem(entry.Sequence, ChainProblemKind.Reordered,
                $"Entry {entry.Sequence} was written as entry {original}: entries were swapped or renumbered.");
        }

        if (sealedHere)
        {
            return new ChainProblem(entry.Sequence, ChainProblemKind.Reordered,
                $"Entry {entry.Sequence} is intact but does not follow entry {entry.Sequence - 1}.");
        }

        var linkedOnward = next is not null
            ? next.PreviousHash.AsSpan().SequenceEqual(entry.Hash)
            : headIsGenuine && head.Sequence == entry.Sequence && head.Hash.AsSpan().SequenceEqual(entry.Hash);
        return linkedOnward
            ? new ChainProblem(entry.Sequence, ChainProblemKind.Changed,
                $"Entry {entry.Sequence} was changed after it was written (its content no longer matches its seal).")
            : new ChainProblem(entry.Sequence, ChainProblemKind.Inserted,
                $"Entry {entry.Sequence} was never part of the chain (its seal is not one the chain produced).");
    }

    /// <summary>The sequence this entry was sealed at, if it is one near its current place.</summary>
    private long? SealedAt(AuditEntry entry)
    {
        for (var offset = 1; offset <= ReorderWindow; offset++)
        {
            foreach (var candidate in new[] { entry.Sequence - offset, entry.Sequence + offset })
            {
                if (candidate > 0 && AuditSeal.Compute(key, entry, candidate).AsSpan().SequenceEqual(entry.Hash))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
