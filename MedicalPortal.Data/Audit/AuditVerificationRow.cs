namespace MedicalPortal.Data.Audit;

/// <summary>The last full check of one database's chain (<c>AuditVerifications</c>, in the catalog).</summary>
internal sealed class AuditVerificationRow
{
    public string Database { get; set; } = "";

    public long Entries { get; set; }

    /// <summary>The first problem's kind, null when the chain verified.</summary>
    public string? Problem { get; set; }

    public long? ProblemSequence { get; set; }

    public DateTimeOffset CheckedAt { get; set; }

    public string CheckedBy { get; set; } = "";
}
