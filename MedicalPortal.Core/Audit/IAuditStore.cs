using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Paging;

namespace MedicalPortal.Core.Audit;

/// <summary>The audit chains of the catalog and every shard, read-only. Callers have already authorized.</summary>
public interface IAuditStore
{
    /// <summary>Entries of every database matching the query, newest first.</summary>
    Task<Page<AuditEntryDto>> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Checks every chain: each entry's hash, the links between entries, the sequence and the chain head, and the
    /// chain against the checkpoints of its head kept outside the databases (<see cref="IAuditAnchors"/>).
    /// </summary>
    Task<IReadOnlyList<ChainVerification>> VerifyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The records of <paramref name="resource"/> that the account <paramref name="actorId"/> opened one by one (not
    /// those a list showed), each once, most recently opened first: at most <paramref name="limit"/>. A shard that does
    /// not answer leaves its records out.
    /// </summary>
    Task<IReadOnlyList<OpenedRecord>> RecentlyOpenedByAsync(
        string actorId, Resource resource, int limit, CancellationToken cancellationToken);
}

/// <summary>A record an account opened, and when it last did.</summary>
public sealed record OpenedRecord(string ResourceId, DateTimeOffset OpenedAt);

/// <summary>The result of checking one database's chain. <see cref="Problem"/> is null when it verifies.</summary>
public sealed record ChainVerification(string Database, long Entries, ChainProblem? Problem)
{
    public bool IsIntact => Problem is null;

    /// <summary>The newest checkpoint of this database's head outside the database, or null when there is none yet.</summary>
    public AuditAnchor? NewestAnchor { get; init; }
}

/// <summary>The first bad entry of a chain and what is wrong with it.</summary>
public sealed record ChainProblem(long Sequence, ChainProblemKind Kind, string Description);

public enum ChainProblemKind
{
    /// <summary>An entry's content no longer matches its hash.</summary>
    Changed,

    /// <summary>A sequence number is absent: an entry was deleted.</summary>
    Missing,

    /// <summary>An entry that the chain never contained (a forged hash, or a sequence the head never issued).</summary>
    Inserted,

    /// <summary>Entries are intact one by one but out of their chain order.</summary>
    Reordered,

    /// <summary>
    /// The chain is behind a checkpoint of its head kept outside the database, or holds another entry where a
    /// checkpoint names one: its newest entries were deleted and an older genuine head put back (or the chain emptied),
    /// perhaps with new entries written after it since.
    /// </summary>
    RolledBack,

    /// <summary>A checkpoint file cannot be read, or was not sealed with the key: the checkpoints were tampered with.</summary>
    BadCheckpoint,
}
