namespace MedicalPortal.Data.Audit;

/// <summary>
/// One link of a database's audit chain. <see cref="Hash"/> = HMAC-SHA256(key, <see cref="PreviousHash"/> ||
/// canonical entry); the key is never stored in a database, so nobody with database access alone can forge a link.
/// </summary>
internal sealed class AuditEntry
{
    public long Sequence { get; set; }

    public DateTimeOffset Timestamp { get; set; }

    public string? ActorId { get; set; }

    public string ActorName { get; set; } = "";

    public string Action { get; set; } = "";

    public string Resource { get; set; } = "";

    public string? ResourceId { get; set; }

    public Guid? PatientId { get; set; }

    /// <summary>JSON array of <c>{ p, o, n }</c>: property, old value, new value.</summary>
    public string Changes { get; set; } = "[]";

    /// <summary>JSON array of the patient ids a read showed (search results); empty for changes.</summary>
    public string PatientIds { get; set; } = "[]";

    public string? CorrelationId { get; set; }

    public byte[] PreviousHash { get; set; } = [];

    public byte[] Hash { get; set; } = [];
}

/// <summary>
/// The chain's last sequence and hash: the row every writer locks first, so the chain never forks. Sealed with the
/// key too, so the head cannot be rolled back to hide deleted newest entries (see <see cref="AuditSeal.ForHead"/>).
/// </summary>
internal sealed class AuditChainHead
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public long Sequence { get; set; }

    public byte[] Hash { get; set; } = new byte[32];

    /// <summary>HMAC of the sequence and hash; empty only for the empty chain.</summary>
    public byte[] Seal { get; set; } = [];
}
