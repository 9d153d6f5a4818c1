namespace MedicalPortal.Core.Audit;

/// <summary>
/// Checkpoints of every chain's head (database, sequence, hash, time), sealed with the audit key and written outside
/// the databases, one new file each (<c>Audit:AnchorDirectory</c>, never rewritten). Somebody with database access
/// but without the key cannot forge an entry or move a head, but could put back an older genuine head over a
/// shortened chain, or empty the chain: a checkpoint written before that names entries the chain no longer holds,
/// and <see cref="IAuditStore.VerifyAsync"/> reports it (docs/decisions/0027).
/// </summary>
public interface IAuditAnchors
{
    /// <summary>
    /// When this node writes checkpoints (<c>Audit:AnchorSchedule</c>, five-field cron in UTC), or null when it writes
    /// none on a schedule.
    /// </summary>
    string? Schedule { get; }

    /// <summary>
    /// The scheduled pass: a checkpoint of every database's head, unless another node holds the catalog lease (then
    /// false, and nothing is written). A database that does not answer is skipped; the others are still checkpointed.
    /// </summary>
    Task<bool> WriteScheduledAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A checkpoint of the head of every database whose chain <paramref name="verified"/> found intact (the end of
    /// <c>verify-audit</c>); a chain found broken gets none, so that a checkpoint never vouches for it.
    /// </summary>
    Task<IReadOnlyList<AuditAnchor>> WriteVerifiedAsync(IReadOnlyList<ChainVerification> verified, CancellationToken cancellationToken);
}

/// <summary>One checkpoint: the database's head had reached <paramref name="Sequence"/> when it was written.</summary>
/// <param name="Database">"catalog", or the shard's name.</param>
/// <param name="Sequence">The head's sequence: how many entries the chain had issued.</param>
/// <param name="WrittenAt">When the checkpoint was taken.</param>
/// <param name="Name">Its file's name in the anchor directory, by which reports name it.</param>
public sealed record AuditAnchor(string Database, long Sequence, DateTimeOffset WrittenAt, string Name);
