namespace MedicalPortal.Core.Audit;

/// <summary>
/// The outcome of the last full check of each chain (<see cref="IAuditStore.VerifyAsync"/>), kept in the catalog so that
/// an administrator's home page can say how the chains stood when last checked, without checking them again.
/// </summary>
public interface IAuditVerificationLog
{
    /// <summary>Replaces each checked database's last outcome with <paramref name="results"/>.</summary>
    Task RecordAsync(IReadOnlyList<ChainVerification> results, string checkedBy, DateTimeOffset checkedAt, CancellationToken cancellationToken);

    /// <summary>Each database's last outcome, by database name; empty before the first check.</summary>
    Task<IReadOnlyList<LastVerification>> LastAsync(CancellationToken cancellationToken);
}

/// <summary>How one database's chain stood when last checked, by whom (an account's name, or the command that ran it).</summary>
public sealed record LastVerification(
    string Database, long Entries, ChainProblemKind? Problem, long? ProblemSequence, DateTimeOffset CheckedAt, string CheckedBy)
{
    public bool IsIntact => Problem is null;
}
