using System.ComponentModel.DataAnnotations;
using MedicalPortal.Core.Keys;

namespace MedicalPortal.Core.Export;

/// <summary><c>Export</c> configuration.</summary>
public sealed class ExportOptions
{
    public const string SectionName = "Export";

    /// <summary><see cref="PseudonymKey"/>: configured outside Development; in Development generated once as <c>export.key</c>.</summary>
    public static readonly SecretKeySetting PseudonymKeySetting = new($"{SectionName}:{nameof(PseudonymKey)}", "export.key");

    /// <summary>k of k-anonymity: every (birth year, sex, ZIP3) class in an export has at least this many patients.</summary>
    [Range(2, 1000)]
    public int K { get; set; } = 5;

    /// <summary>
    /// Off by default (dates cut to the year). On: visit dates are shifted by a secret per-patient-per-study number of
    /// days and exported as dates, which keeps the intervals between a patient's visits (Expert Determination, not
    /// Safe Harbor: the clinic's privacy officer decides).
    /// </summary>
    public bool DateShift { get; set; }

    /// <summary>Cron expression (UTC) of the incremental extraction, such as "0 2 * * *"; empty means no schedule.</summary>
    public string? Schedule { get; set; }

    /// <summary>
    /// Where scheduled extractions are written: <c>&lt;Directory&gt;/&lt;study id&gt;/&lt;UTC timestamp&gt;.csv</c>. Empty means
    /// <c>exports</c> in the data folder (<c>./data/exports</c> on the embedded default). With several nodes it must be
    /// storage they share, so that any node can serve any extraction's file.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// Base64 master key (32+ bytes) from which each study's research-id key is derived. Required outside Development;
    /// in Development generated once into the data folder. Never in a database.
    /// </summary>
    public string? PseudonymKey { get; set; }
}
