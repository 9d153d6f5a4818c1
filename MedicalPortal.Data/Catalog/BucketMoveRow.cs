namespace MedicalPortal.Data.Catalog;

/// <summary>Where a bucket move stands; each stage is finished, or resumed, by running the same command again.</summary>
public enum MoveStage
{
    /// <summary>Copying the rows and audit entries of the buckets to the target and catching up with changes.</summary>
    Copying,

    /// <summary>Writes to the buckets wait on the source; the last changes are copied and both sides verified.</summary>
    Frozen,

    /// <summary>The map sends the buckets to the target; the source's rows of them are being deleted.</summary>
    Flipped,

    /// <summary>Done: the source holds nothing of the buckets.</summary>
    Cleaned,
}

/// <summary>
/// One <c>shards move</c>: which buckets go from which shard to which, how far it is, and what it copied and verified
/// (docs/decisions/0022). At most one move is unfinished at a time.
/// </summary>
internal sealed class BucketMoveRow
{
    public Guid Id { get; set; }

    public int FirstBucket { get; set; }

    public int LastBucket { get; set; }

    public string Source { get; set; } = "";

    public string Target { get; set; } = "";

    public MoveStage Stage { get; set; }

    /// <summary>Who started it (the operator's account name as the command saw it).</summary>
    public string StartedBy { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Buckets of the range copied in the current pass (copy, catch-up, verification or deletion).</summary>
    public int BucketsDone { get; set; }

    /// <summary>The source's audit entries up to this sequence have been looked at for the archive on the target.</summary>
    public long ArchivedThrough { get; set; }

    public int Patients { get; set; }

    public int Visits { get; set; }

    public int Enrollments { get; set; }

    /// <summary>The verified SHA-256 of each table's rows of the range, hex, "Patients:…;Visits:…;Enrollments:…".</summary>
    public string Checksums { get; set; } = "";
}

/// <summary>The shard map's version: moved on by every change of the map, polled by every node (docs/decisions/0022).</summary>
internal sealed class ShardMapStateRow
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public long Version { get; set; }
}
