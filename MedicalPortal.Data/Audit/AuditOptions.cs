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

    /// <summary>
    /// Turning <see cref="RecordReads"/> off outside Development takes this as well: an installation that stops recording
    /// who viewed patient records says so twice, in two settings, rather than by a single mistyped value.
    /// </summary>
    public bool RecordReadsOffAcknowledged { get; set; }

    /// <summary>
    /// The folder that receives the checkpoints of every chain's head (one new file each, never rewritten). It must lie
    /// outside every database and out of reach of whoever administers them: object-lock storage (such as an S3 Object
    /// Lock bucket mounted as a folder) or a folder of its own on shared storage (EFS), the same for every node. Required
    /// outside Development; in Development <c>audit-anchors</c> in the data folder.
    /// </summary>
    public string? AnchorDirectory { get; set; }

    /// <summary>
    /// Cron expression (UTC, five fields) of the scheduled checkpoints; hourly by default. Empty: this node writes none on
    /// a schedule (<c>verify-audit</c> still writes one at its end). Entries written after the newest checkpoint are
    /// what a put-back head could hide unseen: the schedule bounds that window.
    /// </summary>
    public string? AnchorSchedule { get; set; } = "0 * * * *";
}
