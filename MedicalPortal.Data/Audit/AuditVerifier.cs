using System.Globalization;
using MedicalPortal.Core.Audit;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// Walks one chain in sequence order, in batches, and names the first entry that is wrong:
/// a gap in the sequence is <b>missing</b>; an entry whose seal is valid for another position is <b>reordered</b>;
/// an entry whose seal no longer matches but whose successor (or the head) still links to it was <b>changed</b>; any
/// other entry with a bad seal, or beyond the last sequence the head issued, was <b>inserted</b>. Then it holds the
/// chain against the checkpoints of its head kept outside the database: a chain that ends before a checkpoint's
/// sequence, or holds another entry there, was <b>rolled back</b> (docs/decisions/0027).
/// </summary>
internal sealed class AuditVerifier(byte[] key)
{
    private const int BatchSize = 2000;
    private const int ReorderWindow = 64;

    /// <param name="checkpoints">This database's checkpoints, each already found sealed with the key.</param>
    public async Task<ChainVerification> VerifyAsync(
        DbContext context, string database, IReadOnlyList<AnchorCheckpoint> checkpoints, CancellationToken cancellationToken)
    {
        var head = await ReadHeadAsync(context, cancellationToken);

        // A head whose seal does not match was moved by someone without the key: it is read as a claim, never as proof.
        // One sealed for another database was copied from it.
        var seal = AuditSeal.SealOf(key, database, head);
        var headIsGenuine = seal != HeadSeal.Forged;
        var entries = context.Set<AuditEntry>().AsNoTracking();
        var anchored = checkpoints.ToLookup(c => c.Sequence);

        var expected = 1L;
        var previous = new byte[32];
        var count = 0L;
        AuditEntry? pending = null;
        var lastSeen = 0L;
        while (true)
        {
            // Up to the head read above: entries appended while the walk goes on are the next verification's.
            var batch = await entries.Where(e => e.Sequence > lastSeen && e.Sequence <= head.Sequence)
                .OrderBy(e => e.Sequence).Take(BatchSize).ToListAsync(cancellationToken);
            foreach (var next in batch)
            {
                if (pending is not null
                    && (Check(pending, next, head, headIsGenuine, ref expected, ref previous) ?? Against(pending, anchored)) is { } problem)
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
            if ((Check(pending, next: null, head, headIsGenuine, ref expected, ref previous) ?? Against(pending, anchored)) is { } problem)
            {
                return new ChainVerification(database, count, problem);
            }

            count++;
        }

        if (await BeyondTheHeadAsync(context, entries, head, cancellationToken) is { } beyond)
        {
            return new ChainVerification(database, count, new ChainProblem(beyond, ChainProblemKind.Inserted,
                $"Entry {beyond} lies beyond the last sequence the chain head issued ({head.Sequence})."));
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

        return new ChainVerification(database, count, Behind(head, seal, count, checkpoints));
    }

    private static Task<AuditChainHead> ReadHeadAsync(DbContext context, CancellationToken cancellationToken) =>
        context.Set<AuditChainHead>().AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.SingletonId, cancellationToken);

    /// <summary>
    /// The first entry beyond every sequence the head has issued, even counting what was appended during the walk (the
    /// head is read again): an entry nobody appended through the chain.
    /// </summary>
    private static async Task<long?> BeyondTheHeadAsync(
        DbContext context, IQueryable<AuditEntry> entries, AuditChainHead head, CancellationToken cancellationToken)
    {
        var first = await entries.Where(e => e.Sequence > head.Sequence).OrderBy(e => e.Sequence)
            .Select(e => (long?)e.Sequence).FirstOrDefaultAsync(cancellationToken);
        return first is { } sequence && sequence > (await ReadHeadAsync(context, cancellationToken)).Sequence ? sequence : null;
    }

    /// <summary>An entry the walk found in place, held against the checkpoints taken at its sequence.</summary>
    private static ChainProblem? Against(AuditEntry entry, ILookup<long, AnchorCheckpoint> anchored) =>
        anchored[entry.Sequence].FirstOrDefault(c => !c.Hash.AsSpan().SequenceEqual(entry.Hash)) is { } checkpoint
            ? new ChainProblem(entry.Sequence, ChainProblemKind.RolledBack,
                $"Entry {entry.Sequence} is not the entry checkpoint {checkpoint.Name} (taken {At(checkpoint)}) names at that place: " +
                "the entries from there on were deleted, an older head was put back, and the chain was written on from it.")
            : null;

    /// <summary>
    /// A chain intact in itself, held against its checkpoints: ending before one's sequence (or empty while one names
    /// entries) is a put-back head; a head still sealed without the database's name, after a checkpoint saw it sealed
    /// with it, is an older head put back (or one copied from another database).
    /// </summary>
    private static ChainProblem? Behind(AuditChainHead head, HeadSeal seal, long count, IReadOnlyList<AnchorCheckpoint> checkpoints)
    {
        if (checkpoints.MaxBy(c => c.Sequence) is { } furthest && furthest.Sequence > head.Sequence)
        {
            return new ChainProblem(head.Sequence + 1, ChainProblemKind.RolledBack, count == 0
                ? $"The chain is empty, but checkpoint {furthest.Name} (taken {At(furthest)}) names {furthest.Sequence} entries: every entry was deleted and the head reset."
                : $"The chain ends at entry {head.Sequence}, but checkpoint {furthest.Name} (taken {At(furthest)}) names entry {furthest.Sequence}: " +
                  "the entries after it were deleted and an older head was put back.");
        }

        return seal == HeadSeal.Legacy && checkpoints.FirstOrDefault(c => c.HeadSealedWithName) is { } named
            ? new ChainProblem(head.Sequence, ChainProblemKind.RolledBack,
                $"The chain head is sealed without its database's name, as heads were before the name was sealed too, but checkpoint {named.Name} " +
                $"(taken {At(named)}) found it sealed with the name: an older head was put back, or one was copied from another database.")
            : null;
    }

    private static string At(AnchorCheckpoint checkpoint) =>
        checkpoint.WrittenAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private ChainProblem? Check(
        AuditEntry entry, AuditEntry? next, AuditChainHead head, bool headIsGenuine, ref long expected, ref byte[] previous)
    {
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
