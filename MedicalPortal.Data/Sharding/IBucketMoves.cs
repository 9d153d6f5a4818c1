using MedicalPortal.Core.Audit;
using MedicalPortal.Data.Catalog;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// Moves a range of buckets, with their patients, visits, enrollments and audit history, from the shard that holds
/// them to another, while the portal serves (docs/decisions/0022): copy, catch up, freeze briefly, verify, flip the map,
/// delete from the source. One move at a time; the same move again finishes one that stopped at any stage.
/// </summary>
public interface IBucketMoves
{
    /// <summary>What is wrong with the request as such (a message), before anything is written; null if nothing.</summary>
    string? Problem(int first, int last, string target);

    /// <summary>
    /// Moves buckets <paramref name="first"/>-<paramref name="last"/> to <paramref name="target"/>, or finishes that
    /// move if it is the unfinished one, naming <paramref name="actor"/> in the audit trails. A shard that does not
    /// answer is <see cref="Core.Sharding.ShardUnavailableException"/>; the move then stays where it was, to be run again.
    /// </summary>
    Task<BucketMoveResult> MoveAsync(
        int first, int last, string target, AuditActor actor, IProgress<BucketMoveProgress>? progress, CancellationToken cancellationToken);

    /// <summary>The move that is not finished, if any: for the System page and <c>shards list</c>.</summary>
    Task<BucketMoveStatus?> UnfinishedAsync(CancellationToken cancellationToken);
}

/// <summary>Where a move stands.</summary>
public sealed record BucketMoveStatus(
    Guid Id,
    int FirstBucket,
    int LastBucket,
    string Source,
    string Target,
    MoveStage Stage,
    int BucketsDone,
    string StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    int Patients,
    int Visits,
    int Enrollments)
{
    public int BucketCount => LastBucket - FirstBucket + 1;
}

/// <summary>One step of a move, as the console's progress bar shows it: <paramref name="Done"/> of <paramref name="Total"/>.</summary>
public sealed record BucketMoveProgress(MoveStage Stage, string Step, int Done, int Total);

public enum BucketMoveOutcome
{
    /// <summary>The buckets are on the target now (moved, or finished moving); <see cref="BucketMoveResult.Move"/> says how.</summary>
    Moved,

    /// <summary>They were on the target already, and no move of them was unfinished: nothing to do.</summary>
    AlreadyThere,

    /// <summary>Another move is unfinished, or another process is running one: nothing was done.</summary>
    Busy,

    /// <summary>The request is wrong as such (see <see cref="BucketMoveResult.Message"/>): nothing was done.</summary>
    Refused,
}

/// <summary>A move's verification found the target's copy different from the source: the move is back to copying.</summary>
public sealed class BucketMoveVerificationException : Exception
{
    public BucketMoveVerificationException()
    {
    }

    public BucketMoveVerificationException(string message)
        : base(message)
    {
    }

    public BucketMoveVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

public sealed record BucketMoveResult(BucketMoveOutcome Outcome, string Message, BucketMoveStatus? Move = null, TimeSpan? Freeze = null);
