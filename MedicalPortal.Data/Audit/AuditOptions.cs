using MedicalPortal.Core.Keys;

namespace MedicalPortal.Data.Audit;

/// <summary><c>Audit</c> configuration.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary><see cref="HmacKey"/>: configured outside Development; in Development generated once as <c>audit.key</c>.</summary>
    public static readonly SecretKeySetting HmacKeySetting = new($"{SectionName}:{nameof(HmacKey)}", "audit.key");

    /// <summary>
    /// Base64 key (at least 32 bytes) that seals every audit chain. It must never be stored in a database. Required
    /// outside Development; in Development one is generated once and kept next to the SQLite files.
    /// </summary>
    public string? HmacKey { get; set; }

    /// <summary>Record who viewed which patients' records (on by default).</summary>
    public bool RecordReads { get; set; } = true;
}
