namespace MedicalPortal.Core.Sharding;

/// <summary>
/// A shard does not answer while the portal is running: the records of its patients can be neither read nor changed
/// until it is back, and the change that met it was not written. Every other shard's patients are unaffected. The
/// message names the shard, never a connection string or anything of a patient's. Made by <see cref="For"/>.
/// </summary>
public sealed class ShardUnavailableException : Exception
{
    public ShardUnavailableException()
        : this("A shard cannot be reached right now.")
    {
    }

    public ShardUnavailableException(string message)
        : base(message)
    {
        Shard = "";
    }

    public ShardUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Shard = "";
    }

    private ShardUnavailableException(string shard, string message, Exception? innerException)
        : base(message, innerException)
    {
        Shard = shard;
    }

    /// <summary>The shard's name from the shard map.</summary>
    public string Shard { get; }

    /// <param name="shard">The shard's name from the shard map.</param>
    /// <param name="innerException">The driver's failure, for the log.</param>
    public static ShardUnavailableException For(string shard, Exception? innerException = null) =>
        new(shard,
            $"The records on shard '{shard}' cannot be reached right now. Patients on other shards are not affected; "
            + "try again in a few minutes.",
            innerException);

    /// <summary>
    /// The patient's records are being moved to another shard (<c>shards move</c>) and the change waited for the move's
    /// short freeze longer than the node allows: nothing was written.
    /// </summary>
    /// <param name="shard">The shard the records are moving from.</param>
    public static ShardUnavailableException Moving(string shard) =>
        new(shard,
            $"The records on shard '{shard}' are being moved to another shard right now. Nothing was changed; try again in a few seconds.",
            innerException: null);
}
