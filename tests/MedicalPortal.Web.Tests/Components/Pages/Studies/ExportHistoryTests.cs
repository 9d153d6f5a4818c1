using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Studies;
using MedicalPortal.Web.Components.Pages.Studies;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Pages.Studies;

/// <summary>The history of a study's scheduled extractions lists, per file, what it held back, diagnosis codes included.</summary>
public sealed class ExportHistoryTests : ComponentTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Render_CompletedRun_ShowsTheCodesGeneralizedAndLeftOut()
    {
        // Arrange: a completed run whose file showed 3 codes as their category and left 2 out.
        await this.AddTestServicesAsync(RoleNames.Researcher);
        var now = DateTimeOffset.UtcNow;
        var study = await Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = "History test study",
            PrincipalInvestigator = "Dr. Test",
            Status = StudyStatus.Active,
            StartDate = new DateOnly(2025, 1, 1),
        }, now), default);
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

    private static string Cell(IRenderedComponent<ExportHistory> cut, string label) =>
        cut.Find($"[data-testid='extractions'] tbody td[data-label='{label}']").TextContent.Trim();
}
