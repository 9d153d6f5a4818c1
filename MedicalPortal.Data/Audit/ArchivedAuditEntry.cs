namespace MedicalPortal.Data.Audit;

/// <summary>
/// An audit entry of another database's chain, kept verbatim on the shard its patient moved to (docs/decisions/0022):
/// the patient's page shows the whole history and who viewed the record, wherever the entries were sealed. The entry
/// itself stays in its own chain, which is never cut; its seal still proves it, since the key is the same everywhere.
/// </summary>
internal sealed class ArchivedAuditEntry
{
    /// <summary>The database whose chain sealed the entry ("catalog" or a shard's name).</summary>
    public string Database { get; set; } = "";

    public long Sequence { get; set; }

    public DateTimeOffset Timestamp { get; set; }

    public string? ActorId { get; set; }

    public string ActorName { get; set; } = "";

    public string Action { get; set; } = "";

    public string Resource { get; set; } = "";

    public string? ResourceId { get; set; }

    public Guid? PatientId { get; set; }

    public string Changes { get; set; } = "[]";

    public string PatientIds { get; set; } = "[]";

    public string? CorrelationId { get; set; }

    public byte[] PreviousHash { get; set; } = [];

    public byte[] Hash { get; set; } = [];

    public static ArchivedAuditEntry Of(string database, AuditEntry entry) => new()
    {
        Database = database,
        Sequence = entry.Sequence,
        Timestamp = entry.Timestamp,
        ActorId = entry.ActorId,
        ActorName = entry.ActorName,
        Action = entry.Action,
        Resource = entry.Resource,
        ResourceId = entry.ResourceId,
        PatientId = entry.PatientId,
        Changes = entry.Changes,
        PatientIds = entry.PatientIds,
        CorrelationId = entry.CorrelationId,
        PreviousHash = entry.PreviousHash,
        Hash = entry.Hash,
    };

    /// <summary>The entry as its chain sealed it: what its seal is computed over.</summary>
    public AuditEntry ToEntry() => new()
    {
        Sequence = Sequence,
        Timestamp = Timestamp,
        ActorId = ActorId,
        ActorName = ActorName,
        Action = Action,
        Resource = Resource,
        ResourceId = ResourceId,
        PatientId = PatientId,
        Changes = Changes,
        PatientIds = PatientIds,
        CorrelationId = CorrelationId,
        PreviousHash = PreviousHash,
        Hash = Hash,
    };
}
