namespace MedicalPortal.Data.Audit;

/// <summary><c>Audit</c> configuration.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// Base64 key (at least 32 bytes) that seals every audit chain. It must never be stored in a database. Required
    /// outside Development; in Development one is generated once and kept next to the SQLite files.
    /// </summary>
    public string? HmacKey { get; set; }

    /// <summary>Record who viewed which patients' records (on by default).</summary>
    public bool RecordReads { get; set; } = true;
}
