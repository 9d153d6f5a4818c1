using MedicalPortal.Core.Export;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// What the audit settings must be before the portal (or a command) starts: outside Development, an anchor directory
/// (checkpoints kept on a node's own disk, which every deployment replaces, would vanish exactly when they are needed,
/// so there is no default there) and no read audit turned off without its acknowledgment; everywhere, a schedule that
/// is cron. Each failure names its key.
/// </summary>
internal sealed class AuditOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = AuditOptions.SectionName;
        var failures = new List<string>();
        if (!ExtractionSchedule.IsValid(options.AnchorSchedule))
        {
            failures.Add($"{Section}:{nameof(AuditOptions.AnchorSchedule)} must be a five-field cron expression (UTC) such as \"0 * * * *\", or empty for no scheduled checkpoints.");
        }

        if (!environment.IsDevelopment())
        {
            if (string.IsNullOrWhiteSpace(options.AnchorDirectory))
            {
                failures.Add($"{Section}:{nameof(AuditOptions.AnchorDirectory)} is required outside Development: a folder outside the databases, the same for every node " +
                             "(object-lock storage or a shared folder that database administrators cannot write), where checkpoints of the audit chains are kept.");
            }

            if (!options.RecordReads && !options.RecordReadsOffAcknowledged)
            {
                failures.Add($"{Section}:{nameof(AuditOptions.RecordReads)} is false, which stops recording who viewed patient records: outside Development " +
                             $"that also takes {Section}:{nameof(AuditOptions.RecordReadsOffAcknowledged)}=true.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
