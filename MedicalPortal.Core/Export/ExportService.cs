using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Studies;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Core.Export;

/// <summary>
/// The anonymized research export of a study: two streamed passes over the participants (class sizes for
/// k-anonymity, then the rows), written as CSV as they come. Every export is in the audit trail: who, which study,
/// how many rows.
/// </summary>
public sealed class ExportService(
    IExportSource source,
    IStudyStore studies,
    IAnonymizer anonymizer,
    IPseudonymKey pseudonymKey,
    AccessControl access,
    IAccessLog accessLog,
    TimeProvider clock,
    IOptions<ExportOptions> options,
    IExtractionStore extractions)
{
    /// <summary>
    /// Whether <paramref name="user"/> may export the study, and that it exists: checked before a download sends its
    /// first byte, so that a refusal can still be an ordinary error answer.
    /// </summary>
    public async Task<StudyDto> AuthorizeDownloadAsync(ICurrentUser user, Guid studyId, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Export, Operations.Retrieve, cancellationToken);
        return await studies.FindAsync(studyId, cancellationToken) ?? throw new RecordNotFoundException(Resource.MedicalStudy);
    }

    /// <summary>
    /// What an export of the study would hold now, in numbers only: participants, and how many of them k-anonymity
    /// would generalize or hold back. Shows no patient's data, so it is not an export in the audit trail.
    /// </summary>
    public async Task<ExportPreview> PreviewAsync(ICurrentUser user, Guid studyId, CancellationToken cancellationToken)
    {
        await AuthorizeDownloadAsync(user, studyId, cancellationToken);
        var plan = await PlanAsync(studyId, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), cancellationToken);
        return new ExportPreview(plan.Patients, plan.GeneralizedPatients, plan.SuppressedPatients, plan.K);
    }

    /// <summary>The full export of <paramref name="studyId"/> to <paramref name="output"/>, for a download.</summary>
    public async Task<ExportSummary> DownloadAsync(ICurrentUser user, Guid studyId, Stream output, CancellationToken cancellationToken)
    {
        await AuthorizeDownloadAsync(user, studyId, cancellationToken);
        return await WriteAsync(AuditActor.Of(user), studyId, window: null, output, cancellationToken);
    }

    /// <summary>
    /// Writes the export (everything, or what changed in <paramref name="window"/>) and records it in the audit trail.
    /// For the scheduled extraction and the <c>export</c> command, which run as the system.
    /// </summary>
    public async Task<ExportSummary> WriteAsync(
        AuditActor actor, Guid studyId, ChangeWindow? window, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var exportDate = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var plan = await PlanAsync(studyId, exportDate, cancellationToken);
        var pseudonyms = new StudyPseudonyms(pseudonymKey.Key, studyId);

        // Counted over the patients this export reads (all participants for a download, the changed ones for an
        // extraction); the classes themselves are always sized over the whole study.
        int patients = 0, suppressed = 0, generalized = 0;
        async IAsyncEnumerable<ResearchRow> Rows()
        {
            await foreach (var patient in source.ParticipantsAsync(studyId, window, cancellationToken))
            {
                var identifiers = anonymizer.QuasiIdentifiersOf(patient, exportDate);
                if (plan.Publish(identifiers) is not { } published)
                {
                    suppressed++;
                    continue;
                }

                patients++;
                generalized += published == identifiers ? 0 : 1;
                foreach (var row in anonymizer.Rows(patient, pseudonyms, plan, exportDate))
                {
                    yield return row;
                }
            }
        }

        var written = 0;
        try
        {
            written = await ResearchCsv.WriteAsync(output, Rows(), cancellationToken);
        }
        finally
        {
            await accessLog.RecordExportAsync(actor, studyId, written, suppressed, CancellationToken.None);
        }

        return new ExportSummary(written, patients, suppressed, generalized);
    }

    /// <summary>The scheduled extractions of a study, newest first (Export Retrieve).</summary>
    public async Task<IReadOnlyList<ExtractionRun>> HistoryAsync(ICurrentUser user, Guid studyId, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Export, Operations.Retrieve, cancellationToken);
        return (await extractions.ListAsync(studyId, cancellationToken)).OrderByDescending(r => r.WindowUntil).ToList();
    }

    /// <summary>A completed extraction, for downloading its file; recorded in the audit trail like any export.</summary>
    public async Task<ExtractionRun> OpenExtractionAsync(ICurrentUser user, Guid studyId, Guid runId, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Export, Operations.Retrieve, cancellationToken);
        var run = await extractions.FindAsync(runId, cancellationToken);
        if (run is null || run.StudyId != studyId || run.Status != ExtractionStatus.Completed)
        {
            throw new RecordNotFoundException(Resource.Export);
        }

        await accessLog.RecordExportAsync(AuditActor.Of(user), studyId, run.Rows, run.SuppressedPatients, cancellationToken);
        return run;
    }

    private async Task<KAnonymityPlan> PlanAsync(Guid studyId, DateOnly exportDate, CancellationToken cancellationToken)
    {
        var sizes = new Dictionary<QuasiIdentifiers, int>();
        await foreach (var patient in source.PopulationAsync(studyId, cancellationToken))
        {
            var identifiers = anonymizer.QuasiIdentifiersOf(patient, exportDate);
            sizes[identifiers] = sizes.GetValueOrDefault(identifiers) + 1;
        }

        return KAnonymityPlan.For(sizes, options.Value.K);
    }
}

/// <summary>The master key of research ids (<c>Export:PseudonymKey</c>), never stored in a database.</summary>
public interface IPseudonymKey
{
    byte[] Key { get; }
}
