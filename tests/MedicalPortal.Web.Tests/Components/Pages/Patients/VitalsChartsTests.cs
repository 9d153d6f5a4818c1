using Bunit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Components.Pages.Patients;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Components.Pages.Patients;

/// <summary>Vitals over time: a chart per measure taken at two visits or more, described in words for screen readers.</summary>
public sealed class VitalsChartsTests : ComponentTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Render_ThreeVisits_ChartsWhatWasMeasuredTwiceOrMore_OldestFirst()
    {
        // Arrange: weight and blood pressure at three visits, heart rate once, temperature never.
        await this.AddTestServicesAsync(RoleNames.Doctor);
        VisitDto[] visits =
        [
            Visit(Now.AddDays(-1), weight: 72.5m, systolic: 124, diastolic: 79, heartRate: 66),
            Visit(Now.AddDays(-200), weight: 74m, systolic: 138, diastolic: 88),
            Visit(Now.AddDays(-100), weight: 73.2m, systolic: 131, diastolic: null),
        ];

        // Act
        var cut = Render<VitalsCharts>(parameters => parameters.Add(c => c.Visits, visits));

        // Assert: two charts, each hidden from screen readers and described in its caption instead.
        Assert.Equal(
            ["vitals-weight", "vitals-blood-pressure"],
            cut.FindAll("figure").Select(f => f.GetAttribute("data-testid")));
        Assert.All(cut.FindAll("figure"), f => Assert.NotNull(f.QuerySelector("[aria-hidden='true'] svg")));
        Assert.Equal(
            "Latest 72.5 kg on 2026-11-29; first 74 kg on 2026-05-14; measured at 3 visits.",
            cut.Find("[data-testid='vitals-weight'] [data-testid='vitals-summary']").TextContent.Trim());
        Assert.Equal(
            "Latest 124/79 mmHg on 2026-11-29; first 138/88 mmHg on 2026-05-14; measured at 3 visits.",
            cut.Find("[data-testid='vitals-blood-pressure'] [data-testid='vitals-summary']").TextContent.Trim());
        Assert.Equal(["Weight (kg)", "Blood pressure (mmHg)"], cut.FindAll("figcaption h3").Select(h => h.TextContent.Trim()));
    }

    [Fact]
    public async Task Render_OneVisit_DrawsNothing()
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Doctor);

        // Act
        var cut = Render<VitalsCharts>(parameters => parameters.Add(c => c.Visits, [Visit(Now, weight: 70m, systolic: 120, diastolic: 80)]));

        // Assert
        Assert.Empty(cut.FindAll("[data-testid='vitals']"));
    }

    private static VisitDto Visit(DateTimeOffset at, decimal? weight = null, int? systolic = null, int? diastolic = null, int? heartRate = null) =>
        new(Guid.CreateVersion7(), Guid.Empty, at, VisitType.Checkup, "Dr. Test", null, null, weight, systolic, diastolic, heartRate, null, [], null, 1);
}
