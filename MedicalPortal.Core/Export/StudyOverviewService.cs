using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Studies;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Core.Export;

/// <summary>
/// Every study at a glance, for the researchers' home page: how many patients consent and how many withdrew, and the
/// study's last scheduled extraction. For a role that may export (it is what the export will hold); the counts are
/// rounded as the export preview rounds them, so that nobody learns one patient's choice from a number moving by one.
/// Only counts leave: no patient is read, so nothing enters the access log.
/// </summary>
public sealed class StudyOverviewService(
    IStudyStore studies,
    IEnrollmentStore enrollments,
    IExtractionStore extractions,
    AccessControl access,
    IOptions<ExportOptions> options)
{
    public async Task<StudyOverview> ReadAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.MedicalStudy, Operations.Retrieve, cancellationToken);
        await access.DemandAsync(user, Resource.Export, Operations.Retrieve, cancellationToken);

        var all = await studies.ListAsync(cancellationToken);
        var counts = await enrollments.CountsByStudyAsync(cancellationToken);
        var k = options.Value.K;
        var rows = new List<StudyAtAGlance>(all.Count);
        foreach (var study in all.OrderBy(s => s.Status == StudyStatus.Closed).ThenBy(s => s.Title, StringComparer.CurrentCulture))
        {
            var count = counts.Studies.GetValueOrDefault(study.Id);
            var runs = await extractions.ListAsync(study.Id, cancellationToken);
            rows.Add(new StudyAtAGlance(
                study,
                PreviewCount.Of(count.Active, k),
                PreviewCount.Of(count.Withdrawn, k),
                runs.MaxBy(run => run.StartedAt)));
        }

        return new StudyOverview(rows, counts.UnavailableShards, k);
    }
}

/// <summary>
/// The studies at a glance; a shard that did not answer is named, and its consents are not counted. Counts between 1
/// and <paramref name="K"/> - 1 are shown as "fewer than K".
/// </summary>
public sealed record StudyOverview(IReadOnlyList<StudyAtAGlance> Studies, IReadOnlyList<string> UnavailableShards, int K);

/// <summary>One study: its consents now, those withdrawn, and its newest scheduled extraction (null before the first).</summary>
public sealed record StudyAtAGlance(StudyDto Study, PreviewCount Consenting, PreviewCount Withdrawn, ExtractionRun? LastExtraction);
