using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Studies;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Core.Export;

/// <summary>Writes the rows of a release in one format and returns how many rows it wrote.</summary>
public delegate Task<int> ReleaseWriter(IAsyncEnumerable<ResearchRow> rows, CancellationToken cancellationToken);

/// <summary>
/// The anonymized research export of a study: three streamed passes over the participants (class sizes for
/// k-anonymity, the diagnosis codes of the release, then the rows), written as CSV as they come. Every export is in the
/// audit trail: who, which study, how many rows.
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
    /// <summary>Patients per disclosure entry in the audit trail: the rows held back until it is durable.</summary>
    private const int AuditBatch = 256;

    /// <summary>Whether <paramref name="user"/> may export studies at all (Export Retrieve).</summary>
    public Task AuthorizeAsync(ICurrentUser user, CancellationToken cancellationToken) =>
        access.DemandAsync(user, Resource.Export, Operations.Retrieve, cancellationToken);

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
    /// What a download of the study would hold now, in numbers only: participants, how many of them k-anonymity would
    /// generalize or hold back, and how many diagnosis codes it would generalize or leave out; every number between 1
    /// and k - 1 only as "fewer than k" (<see cref="PreviewCount"/>). Shows no patient's data, so it is not an export
    /// in the audit trail.
    /// </summary>
    public async Task<ExportPreview> PreviewAsync(ICurrentUser user, Guid studyId, CancellationToken cancellationToken)
    {
        await AuthorizeDownloadAsync(user, studyId, cancellationToken);
        var exportDate = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var plan = await PlanAsync(studyId, exportDate, cancellationToken);
        var codes = await CodePlanAsync(studyId, window: null, alsoSelect: null, plan, exportDate, cancellationToken);
        return new ExportPreview(
            PreviewCount.Of(plan.Patients, plan.K),
            PreviewCount.Of(plan.GeneralizedPatients, plan.K),
            PreviewCount.Of(plan.SuppressedPatients, plan.K),
            PreviewCount.Of(codes.GeneralizedCodes, plan.K),
            PreviewCount.Of(codes.SuppressedCodes, plan.K),
            plan.K);
    }

    /// <summary>The full export of <paramref name="studyId"/> to <paramref name="output"/>, for a download.</summary>
    public async Task<ExportSummary> DownloadAsync(ICurrentUser user, Guid studyId, Stream output, CancellationToken cancellationToken)
    {
        await AuthorizeDownloadAsync(user, studyId, cancellationToken);
        return (await WriteCoreAsync(AuditActor.Of(user), studyId, window: null, previous: null, Csv(output), cancellationToken)).Summary;
    }

    /// <summary>The full export, as the <c>export</c> command writes it (no user: the caller names the actor).</summary>
    public async Task<ExportSummary> WriteAsync(AuditActor actor, Guid studyId, Stream output, CancellationToken cancellationToken) =>
        (await WriteCoreAsync(actor, studyId, window: null, previous: null, Csv(output), cancellationToken)).Summary;

    /// <summary>
    /// The full export in another format: the same release as the CSV (the same research ids, generalizations, held-back
    /// patients and codes, the same audit trail of who received which patients' data), handed row by row, each
    /// patient's rows together, to <paramref name="write"/>. For a caller <see cref="AuthorizeDownloadAsync"/> admitted,
    /// named by <paramref name="actor"/> (it may run after the request that asked for it).
    /// </summary>
    public async Task<ExportSummary> ReleaseAsync(AuditActor actor, Guid studyId, ReleaseWriter write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        return (await WriteCoreAsync(actor, studyId, window: null, previous: null, write, cancellationToken)).Summary;
    }

    /// <summary>
    /// One incremental extraction (the scheduled job, as the system): the patients with anything new or changed in
    /// <paramref name="window"/>, and every patient whose published quasi-identifiers differ from those of the
    /// <paramref name="previous"/> extraction (a class that grew to k or shrank below it, a patient turning 90). Each
    /// patient in it comes with all their rows, which replace their rows from earlier files. Its diagnosis codes are
    /// counted over this file alone, the release its recipient gets. Returns the baseline the next extraction compares
    /// with.
    /// </summary>
    public Task<ExtractionResult> ExtractAsync(
        Guid studyId, ChangeWindow window, ExtractionBaseline? previous, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        return WriteCoreAsync(AuditActor.System, studyId, window, previous, Csv(output), cancellationToken);
    }

    private static ReleaseWriter Csv(Stream output) => (rows, cancellationToken) => ResearchCsv.WriteAsync(output, rows, cancellationToken);

    private async Task<ExtractionResult> WriteCoreAsync(
        AuditActor actor, Guid studyId, ChangeWindow? window, ExtractionBaseline? previous, ReleaseWriter write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var exportDate = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var plan = await PlanAsync(studyId, exportDate, cancellationToken);
        var pseudonyms = new StudyPseudonyms(pseudonymKey.Key, studyId);

        // Whether a patient whose data did not change must go out anyway, because what is published about them did.
        bool PublishedFormChanged(ExportPatient patient)
        {
            if (previous is null)
            {
                return true;
            }

            var then = anonymizer.QuasiIdentifiersOf(patient, previous.PlannedOn);
            var now = anonymizer.QuasiIdentifiersOf(patient, exportDate);
            return then != now || !previous.Published.TryGetValue(then, out var before) || before != plan.Publish(now);
        }

        // The codes are counted over exactly the patients this release will hold, before its first row is written.
        var codes = await CodePlanAsync(studyId, window, PublishedFormChanged, plan, exportDate, cancellationToken);

        // Counted over the patients this export reads (all participants for a download, the selected ones for an
        // extraction); the classes themselves are always sized over the whole study.
        int patients = 0, suppressed = 0, generalized = 0;
        async IAsyncEnumerable<ResearchRow> Rows()
        {
            // Each group of patients is in the audit trail (which patients' data left, to whom) before its rows are
            // released: a disclosure is never unrecorded.
            var pending = new List<(Guid PatientId, IReadOnlyList<ResearchRow> Rows)>(AuditBatch);
            await foreach (var patient in source.ParticipantsAsync(studyId, window, PublishedFormChanged, cancellationToken))
            {
                var identifiers = anonymizer.QuasiIdentifiersOf(patient, exportDate);
                if (plan.Publish(identifiers) is not { } published)
                {
                    suppressed++;
                    continue;
                }

                patients++;
                generalized += published == identifiers ? 0 : 1;
                pending.Add((patient.PatientId, anonymizer.Rows(codes.Apply(patient), pseudonyms, plan, exportDate)));
                if (pending.Count == AuditBatch)
                {
                    await accessLog.RecordAsync(Disclosure(actor, studyId, pending), cancellationToken);
                    foreach (var row in pending.SelectMany(p => p.Rows))
                    {
                        yield return row;
                    }

                    pending.Clear();
                }
            }

            if (pending.Count > 0)
            {
                await accessLog.RecordAsync(Disclosure(actor, studyId, pending), cancellationToken);
                foreach (var row in pending.SelectMany(p => p.Rows))
                {
                    yield return row;
                }
            }
        }

        var written = 0;
        try
        {
            written = await write(Rows(), cancellationToken);
        }
        finally
        {
            await accessLog.RecordExportAsync(
                actor, studyId, new ExportCounts(written, suppressed, codes.GeneralizedCodes, codes.SuppressedCodes), CancellationToken.None);
        }

        return new ExtractionResult(
            new ExportSummary(written, patients, suppressed, generalized, codes.GeneralizedCodes, codes.SuppressedCodes),
            new ExtractionBaseline(exportDate, plan.Mapping));
    }

    private static AccessRecord Disclosure(AuditActor actor, Guid studyId, List<(Guid PatientId, IReadOnlyList<ResearchRow> Rows)> patients) =>
        new(actor, AuditAction.Export, Resource.Export, studyId.ToString("D"), [.. patients.Select(p => p.PatientId)]);

    /// <summary>The scheduled extractions of a study, newest first (Export Retrieve).</summary>
    public async Task<IReadOnlyList<ExtractionRun>> HistoryAsync(ICurrentUser user, Guid studyId, CancellationToken cancellationToken)
    {
        await AuthorizeDownloadAsync(user, studyId, cancellationToken);
        return (await extractions.ListAsync(studyId, cancellationToken)).OrderByDescending(r => r.WindowUntil).ToList();
    }

    /// <summary>A completed extraction of the study, to download its file (Export Retrieve); not yet an export.</summary>
    public async Task<ExtractionRun> FindExtractionAsync(ICurrentUser user, Guid studyId, Guid runId, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Export, Operations.Retrieve, cancellationToken);
        var run = await extractions.FindAsync(runId, cancellationToken);
        return run is not null && run.StudyId == studyId && run.Status == ExtractionStatus.Completed
            ? run
            : throw new RecordNotFoundException(Resource.Export);
    }

    /// <summary>Records that <paramref name="user"/> is about to receive the file of <paramref name="run"/>.</summary>
    public Task RecordExtractionDownloadAsync(ICurrentUser user, ExtractionRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return accessLog.RecordExportAsync(
            AuditActor.Of(user), run.StudyId, new ExportCounts(run.Rows, run.SuppressedPatients, run.GeneralizedCodes, run.SuppressedCodes),
            cancellationToken);
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

    /// <summary>
    /// Counts the diagnosis codes of the release: the participants the writing pass selects with the same
    /// <paramref name="window"/> and <paramref name="alsoSelect"/>, less those <paramref name="plan"/> holds back.
    /// </summary>
    private async Task<DiagnosisCodePlan> CodePlanAsync(
        Guid studyId,
        ChangeWindow? window,
        Func<ExportPatient, bool>? alsoSelect,
        KAnonymityPlan plan,
        DateOnly exportDate,
        CancellationToken cancellationToken)
    {
        var counter = new DiagnosisCodeCounter();
        await foreach (var participant in source.DiagnosisCodesAsync(studyId, window, alsoSelect, cancellationToken))
        {
            if (plan.Publish(anonymizer.QuasiIdentifiersOf(participant.Patient, exportDate)) is not null)
            {
                counter.Add(participant.DiagnosisCodes);
            }
        }

        return DiagnosisCodePlan.For(counter, plan.K);
    }
}
