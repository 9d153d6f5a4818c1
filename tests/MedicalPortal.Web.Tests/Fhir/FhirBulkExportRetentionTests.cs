using System.Text.Json;
using MedicalPortal.Data.Export;
using MedicalPortal.Web.Fhir.Bulk;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Fhir;

/// <summary>
/// The files of Bulk Data exports are kept <c>Fhir:BulkExportHours</c> (24) after they finish and then deleted by the
/// sweep every node runs (the portal's clock is moved, not waited for), damaged folders too, by their age; a damaged one
/// never stops a kick-off; a setting outside 1 to 720 stops the start.
/// </summary>
public sealed class FhirBulkExportRetentionTests(ClockedPortal clocked) : IClassFixture<ClockedPortal>
{
    [Fact]
    public async Task Sweep_FinishedExportsPastTheirHours_AreDeleted_YoungerOnesAndRunningOnesStay()
    {
        var expired = await PlantAsync(BulkExportStatus.Completed, finishedAgo: TimeSpan.FromHours(25));
        var failedLongAgo = await PlantAsync(BulkExportStatus.Failed, finishedAgo: TimeSpan.FromHours(24));
        var young = await PlantAsync(BulkExportStatus.Completed, finishedAgo: TimeSpan.FromHours(23));
        var running = await PlantAsync(BulkExportStatus.Running, finishedAgo: null);
        var lostLongAgo = await PlantAsync(BulkExportStatus.Running, finishedAgo: TimeSpan.FromHours(25));
        var damaged = await PlantUnreadableAsync(age: TimeSpan.FromHours(25));

        // The next sweep.
        clocked.Clock.Advance(BulkExports.SweepInterval);
        string[] gone = [expired, failedLongAgo, lostLongAgo, damaged];
        for (var waited = 0; gone.Any(Directory.Exists) && waited < 100; waited++)
        {
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists(expired), "A file kept past its 24 hours.");
        Assert.False(Directory.Exists(failedLongAgo), "A failed export's folder kept past its 24 hours.");
        Assert.False(Directory.Exists(lostLongAgo), "The folder of an export whose node went away a day ago kept.");
        Assert.False(Directory.Exists(damaged), "A folder without a readable state kept past its 24 hours.");
        Assert.True(Directory.Exists(young), "A file deleted before its 24 hours.");
        Assert.True(Directory.Exists(running), "A running export's folder deleted.");
    }

    [Fact]
    public async Task AnUnreadableJobOnTheShare_DoesNotStopAKickOff()
    {
        var damaged = await PlantUnreadableAsync(age: TimeSpan.Zero);
        using var researcher = await clocked.Portal.CreateClientForAsync(DemoUsers.Researcher);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/r4/Group/0198f0a0-2026-8000-8000-000000000001/$export?_type=Patient");
        request.Headers.Add("Prefer", "respond-async");

        using var kickOff = await researcher.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, kickOff.StatusCode);
        Directory.Delete(damaged, recursive: true);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("721")]
    public async Task BadBulkExportHours_StopsTheStartNamingTheKey(string value)
    {
        var refused = await StartupSettings.RefusalAsync("Fhir:BulkExportHours", value);

        Assert.Contains(nameof(BulkExportOptions.BulkExportHours), refused.Message, StringComparison.Ordinal);
    }

    // A job folder whose state is not JSON (a damaged share), last written <paramref name="age"/> ago.
    private async Task<string> PlantUnreadableAsync(TimeSpan age)
    {
        var folder = Path.Combine(clocked.Portal.Services.GetRequiredService<ExportDirectory>().Path, "bulk", Guid.CreateVersion7().ToString("D"));
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "job.json"), "{\"id\": \"not a gu");
        Directory.SetLastWriteTimeUtc(folder, (clocked.Clock.GetUtcNow() - age).UtcDateTime);
        return folder;
    }

    // A job folder as a node leaves it on the shared export directory, with an NDJSON file when it completed.
    private async Task<string> PlantAsync(BulkExportStatus status, TimeSpan? finishedAgo)
    {
        var now = clocked.Clock.GetUtcNow();
        var job = new BulkExportJob
        {
            Id = Guid.CreateVersion7(),
            StudyId = Guid.CreateVersion7(),
            AccountId = "someone",
            RequestedBy = "researcher@clinic.test",
            TransactionTime = now - (finishedAgo ?? TimeSpan.Zero) - TimeSpan.FromMinutes(1),
            Request = "http://localhost/fhir/r4/Group/x/$export",
            Types = ["Patient"],
            Status = status,
            HeartbeatAt = now - (finishedAgo ?? TimeSpan.Zero),
            FinishedAt = status != BulkExportStatus.Running && finishedAgo is { } ago ? now - ago : null,
            Output = status == BulkExportStatus.Completed ? new Dictionary<string, int> { ["Patient"] = 1 } : new Dictionary<string, int>(),
        };
        var folder = Path.Combine(clocked.Portal.Services.GetRequiredService<ExportDirectory>().Path, "bulk", job.Id.ToString("D"));
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "job.json"), JsonSerializer.SerializeToUtf8Bytes(job, BulkExportJob.Json));
        if (status == BulkExportStatus.Completed)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "Patient.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"x\"}\n");
        }

        return folder;
    }
}
