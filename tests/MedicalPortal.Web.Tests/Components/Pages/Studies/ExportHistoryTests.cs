using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Studies;
using MedicalPortal.Web.Components.Pages.Studies;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Pages.Studies;

/// <summary>
/// The history of a study's scheduled extractions: per file, what it held back, diagnosis codes included; a run in
/// progress as it runs, until it completes; and when the next one starts.
/// </summary>
public sealed class ExportHistoryTests : ComponentTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Render_CompletedRun_ShowsTheCodesGeneralizedAndLeftOut()
    {
        // Arrange: a completed run whose file showed 3 codes as their category and left 2 out.
        await this.AddTestServicesAsync(RoleNames.Researcher);
        var now = DateTimeOffset.UtcNow;
        var study = await AddStudyAsync(now);
        var runs = Services.GetRequiredService<IExtractionStore>();
        var run = await runs.StartAsync(study.Id, after: null, now.AddMinutes(-2), "20260601T000000Z.csv", default);
        var summary = new ExportSummary(Rows: 40, Patients: 12, SuppressedPatients: 1, GeneralizedPatients: 0, GeneralizedCodes: 3, SuppressedCodes: 2);
        await runs.MarkWrittenAsync(run.Id, new ExtractionResult(summary, new ExtractionBaseline(DateOnly.FromDateTime(now.UtcDateTime), new Dictionary<QuasiIdentifiers, QuasiIdentifiers?>())), "00", default);
        await runs.MarkCompletedAsync(run.Id, default);

        // Act
        var cut = Render<ExportHistory>(p => p.Add(c => c.Id, study.Id));

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("3", Cell(cut, "Codes as category")), Patience);
        Assert.Equal("2", Cell(cut, "Codes left out"));
        Assert.Equal("1", Cell(cut, "Held back"));
    }

    [Fact]
    public async Task Render_RunInProgress_ShowsItRunning_ThenCompleteOnceItCompletes()
    {
        // Arrange: a run that has started and not yet written its file.
        await this.AddTestServicesAsync(RoleNames.Researcher);
        var now = DateTimeOffset.UtcNow;
        var study = await AddStudyAsync(now);
        var runs = Services.GetRequiredService<IExtractionStore>();
        var run = await runs.StartAsync(study.Id, after: null, now.AddMinutes(-1), "20260602T000000Z.csv", default);

        // Act
        var cut = Render<ExportHistory>(p => p.Add(c => c.Id, study.Id));

        // Assert: the row says since when it runs, with a moving bar, and offers no download yet.
        cut.WaitForAssertion(() => Assert.StartsWith("Running since", cut.Find("[data-testid='extraction-running']").TextContent.Trim(), StringComparison.Ordinal), Patience);
        Assert.NotNull(cut.Find("[data-testid='extraction-running'] .mud-progress-linear[aria-label='Extraction in progress']"));
        Assert.DoesNotContain(cut.FindAll("[data-testid='extractions'] a"), a => a.TextContent.Trim() == "Download");
        Assert.Equal("", cut.Find("[data-testid='extraction-announcement']").TextContent.Trim());

        // Act: the run completes while the page is open.
        var summary = new ExportSummary(Rows: 5, Patients: 2, SuppressedPatients: 0, GeneralizedPatients: 0, GeneralizedCodes: 0, SuppressedCodes: 0);
        await runs.MarkWrittenAsync(run.Id, new ExtractionResult(summary, new ExtractionBaseline(DateOnly.FromDateTime(now.UtcDateTime), new Dictionary<QuasiIdentifiers, QuasiIdentifiers?>())), "00", default);
        await runs.MarkCompletedAsync(run.Id, default);

        // Assert: without a reload, the row is complete with its download, and the change is announced.
        cut.WaitForAssertion(() => Assert.Equal("Complete", Cell(cut, "Status")), Patience + ExportHistory.RecheckEvery);
        Assert.Empty(cut.FindAll("[data-testid='extraction-running']"));
        Assert.Contains(cut.FindAll("[data-testid='extractions'] a"), a => a.TextContent.Trim() == "Download");
        Assert.StartsWith("The extraction of changes up to", cut.Find("[data-testid='extraction-announcement']").TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_WithASchedule_SaysWhenTheNextRunStarts()
    {
        // Arrange: extractions every day at 02:00 UTC.
        await this.AddTestServicesAsync(services => services.Configure<ExportOptions>(o => o.Schedule = "0 2 * * *"), RoleNames.Researcher);
        var study = await AddStudyAsync(DateTimeOffset.UtcNow);

        // Act
        var cut = Render<ExportHistory>(p => p.Add(c => c.Id, study.Id));

        // Assert: the next 02:00 UTC, in the clinic's time (UTC here).
        var next = ExtractionSchedule.Parse("0 2 * * *")!.NextAfter(DateTime.UtcNow)!.Value;
        var clock = Services.GetRequiredService<MedicalPortal.Web.Hosting.ClinicClock>();
        cut.WaitForAssertion(() => Assert.Equal(clock.Format(new DateTimeOffset(next, TimeSpan.Zero)), cut.Find("[data-testid='next-extraction']").TextContent.Trim()), Patience);
    }

    private async Task<StudyDto> AddStudyAsync(DateTimeOffset now) =>
        await Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = "History test study",
            PrincipalInvestigator = "Dr. Test",
            Status = StudyStatus.Active,
            StartDate = new DateOnly(2025, 1, 1),
        }, now), default);

    private static string Cell(IRenderedComponent<ExportHistory> cut, string label) =>
        cut.Find($"[data-testid='extractions'] tbody td[data-label='{label}']").TextContent.Trim();
}
