using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Components.Pages.Patients;
using MedicalPortal.Web.Hosting;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace MedicalPortal.Web.Tests.Components.Pages.Patients;

/// <summary>"Who viewed this record": each person once, however many of the latest reads were theirs.</summary>
public sealed class PatientViewedByTests : ComponentTestContext
{
    private static readonly DateTimeOffset _noon = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    public PatientViewedByTests()
    {
        Services.AddMudServices();
        Services.AddSingleton(Options.Create(new ClinicOptions { TimeZone = "UTC" }));
        Services.AddSingleton<ClinicClock>();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Render_OneReaderWithManyReads_StillListsTheOneWhoReadBeforeThem()
    {
        // Arrange: an admin's twelve page views, newest first, after one doctor's read.
        var patient = Guid.NewGuid();
        var reads = Enumerable.Range(0, 12)
            .Select(i => Read(_noon.AddMinutes(-i), "admin-1", "admin@clinic.test", i % 3 == 0 ? Resource.Visit : Resource.Patient, patient))
            .Append(Read(_noon.AddHours(-1), "doctor-1", "doctor@clinic.test", Resource.Patient, patient))
            .ToList();

        // Act
        var cut = Render<PatientViewedBy>(parameters => parameters.Add(p => p.Entries, reads));

        // Assert
        Assert.Equal(
            ["2026-12-03 12:00|admin@clinic.test|visits, patient record|12", "2026-12-03 11:00|doctor@clinic.test|patient record|1"],
            Rows(cut));
        Assert.Contains("latest 13 reads", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MoreReadersThanItShows_ListsTheMostRecentTen()
    {
        // Arrange: fifteen people, one read each, the newest first.
        var reads = Enumerable.Range(0, 15)
            .Select(i => Read(_noon.AddMinutes(-i), $"account-{i}", $"reader{i}@clinic.test", Resource.Patient, null))
            .ToList();

        // Act
        var cut = Render<PatientViewedBy>(parameters => parameters.Add(p => p.Entries, reads));

        // Assert: a search's read, which names no single record, says so.
        var rows = Rows(cut);
        Assert.Equal(PatientViewedBy.MaxViewers, rows.Count);
        Assert.Equal("2026-12-03 12:00|reader0@clinic.test|search results|1", rows[0]);
        Assert.StartsWith("2026-12-03 11:51|reader9@clinic.test|", rows[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoReads_SaysNobodyYet()
    {
        // Act
        var cut = Render<PatientViewedBy>(parameters => parameters.Add(p => p.Entries, []));

        // Assert
        Assert.Empty(cut.FindAll("tbody tr"));
        Assert.Contains("Nobody yet.", cut.Markup, StringComparison.Ordinal);
    }

    private static AuditEntryDto Read(DateTimeOffset at, string actorId, string actorName, Resource resource, Guid? recordId) =>
        new("shard-0", 1, at, actorId, actorName, AuditAction.Read, resource, recordId?.ToString(), null, [], [], null);

    private static List<string> Rows(IRenderedComponent<PatientViewedBy> cut) =>
        [.. cut.FindAll("tbody tr").Select(row => string.Join('|', row.QuerySelectorAll("td").Select(td => td.TextContent.Trim())))];
}
