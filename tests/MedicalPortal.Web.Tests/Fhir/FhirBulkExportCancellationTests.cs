using System.Net;
using System.Net.Http.Json;
using MedicalPortal.Data.Export;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace MedicalPortal.Web.Tests.Fhir;

/// <summary>
/// A Bulk Data export caught while it runs: on a portal whose export source holds the writing pass at a gate until the
/// test opens it, so "while it runs" is certain rather than a race with a fast export. Polls say it runs; a second
/// kick-off of the account is refused; a DELETE, here or from another node (its marker on the share), ends it and its
/// folder; an account whose Export right is revoked no longer reaches its own files.
/// </summary>
public sealed class FhirBulkExportCancellationTests(FhirBulkExportCancellationTests.GatedPortal gated)
    : IClassFixture<FhirBulkExportCancellationTests.GatedPortal>
{
    private static readonly Guid DemoStudy = Guid.Parse("0198f0a0-2026-8000-8000-000000000001");

    private static readonly string[] NoOperations = [];

    private static readonly string[] RetrieveOnly = ["retrieve"];

    private PortalFactory Portal => gated.Portal;

    [Fact]
    public async Task WhileRunning_PollsSayItRuns_ASecondKickOffIs429_AndADeleteEndsItAndItsFolder()
    {
        using var researcher = await Portal.CreateClientForAsync(DemoUsers.Researcher);
        var status = await StartHeldAsync(researcher);

        using var polled = await researcher.GetAsync(status);
        using var second = await KickOffAsync(researcher);
        using var deleted = await researcher.DeleteAsync(status);
        using var after = await researcher.GetAsync(status);

        Assert.Equal(HttpStatusCode.Accepted, polled.StatusCode);
        Assert.StartsWith("in progress", polled.Headers.GetValues("X-Progress").Single(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(2), polled.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains(status.AbsolutePath, await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        await AssertFolderGoesAsync(status);
        await AssertAnotherRunsAsync(researcher);
    }

    [Fact]
    public async Task WhileRunning_ACancellationFromAnotherNode_IsSeenAtTheNextBeat_AndTheFolderGoes()
    {
        using var researcher = await Portal.CreateClientForAsync(DemoUsers.Researcher);
        var status = await StartHeldAsync(researcher);

        // Another node took the DELETE: it leaves the marker on the share, as that node's CancelAsync does.
        await File.WriteAllTextAsync(Path.Combine(FolderOf(status), "cancel"), "");
        using var after = await researcher.GetAsync(status);

        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        await AssertFolderGoesAsync(status);
        await AssertAnotherRunsAsync(researcher);
    }

    [Fact]
    public async Task AfterItsRightIsRevoked_TheRequesterNoLongerReachesTheStatusOrTheFiles()
    {
        using var researcher = await Portal.CreateClientForAsync(DemoUsers.Researcher);
        using var admin = await Portal.CreateClientForAsync(DemoUsers.Admin);
        var (status, manifest) = await FhirBulkExportTests.ExportAsync(researcher, DemoStudy);
        var file = manifest.GetProperty("output")[0].GetProperty("url").GetString();

        using var revoke = await admin.PutAsJsonAsync("/api/v1/roles/Researcher/permissions/export", new { operations = NoOperations });
        try
        {
            using var polled = await researcher.GetAsync(status);
            using var fetched = await researcher.GetAsync(file);

            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (polled.StatusCode, fetched.StatusCode));
            Assert.Equal("application/fhir+json", fetched.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            using var restore = await admin.PutAsJsonAsync("/api/v1/roles/Researcher/permissions/export", new { operations = RetrieveOnly });
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        }
    }

    // Starts an export whose writing pass waits at the gate, and returns its status URL once it is there.
    private async Task<Uri> StartHeldAsync(HttpClient researcher)
    {
        gated.Gate.Close();
        using var kickOff = await KickOffAsync(researcher);
        Assert.Equal(HttpStatusCode.Accepted, kickOff.StatusCode);
        await gated.Gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        return kickOff.Content.Headers.ContentLocation!;
    }

    private static async Task<HttpResponseMessage> KickOffAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/r4/Group/{DemoStudy}/$export");
        request.Headers.Add("Prefer", "respond-async");
        return await client.SendAsync(request);
    }

    // The job's folder is deleted by the node running it, though the gate never opened: the job was stopped.
    private async Task AssertFolderGoesAsync(Uri status)
    {
        var folder = FolderOf(status);
        for (var waited = 0; Directory.Exists(folder) && waited < 200; waited++)
        {
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists(folder), "The cancelled export's folder is still there.");
    }

    // With the gate open again, the account's next export runs to its end: nothing of the cancelled one holds it back.
    private async Task AssertAnotherRunsAsync(HttpClient researcher)
    {
        gated.Gate.Open();
        await FhirBulkExportTests.ExportAsync(researcher, DemoStudy, "?_type=Patient");
    }

    private string FolderOf(Uri status) =>
        Path.Combine(Portal.Services.GetRequiredService<ExportDirectory>().Path, "bulk", status.Segments[^1]);

    /// <summary>A portal of its own (these tests revoke a right and hold exports), with the gated export source.</summary>
    public sealed class GatedPortal : IDisposable
    {
        public PortalFactory Portal { get; } = new() { TestServices = GatedExportSource.Install };

        public GatedExportSource Gate => Portal.Services.GetRequiredService<GatedExportSource>();

        public void Dispose()
        {
            Gate.Open();
            Portal.Dispose();
        }
    }
}
