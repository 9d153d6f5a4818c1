using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Audit;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Audit;

/// <summary>
/// <c>GET /downloads/audit.csv</c>, the Audit trail page's "Download CSV", over HTTP as the signed-in browser asks it:
/// the filtered trail with each patient by MRN and name, refused to a role without AuditLog Retrieve, a bad filter an
/// ordinary problem, and the download itself in the trail.
/// </summary>
public sealed class AuditDownloadTests(AuditQueryEndpointTests.AdminsWithPasswordsOnly fixture) : IClassFixture<AuditQueryEndpointTests.AdminsWithPasswordsOnly>
{
    private PortalFactory Portal => fixture.Portal;

    [Fact]
    public async Task Download_APatientsHistory_ListsItsEntriesWithTheMrnAndIsItselfAnAuditedRead()
    {
        // Arrange: a patient registered through the API.
        using var api = await Portal.CreateClientForAsync(DemoUsers.Admin);
        using var created = await api.PostAsJsonAsync("/api/v1/patients", ApiRequests.Patient("Dora", "Downloaded"));
        var patient = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = patient.Text("id");
        using var browser = await AccountPages.SignInAsync(Portal, DemoUsers.Admin, DemoAccounts.DefaultPassword);

        // Act
        using var download = await browser.GetAsync($"/downloads/audit.csv?patientId={id}");

        // Assert: a CSV file with the header and the registration, the patient by MRN and name.
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/csv", download.Content.Headers.ContentType?.MediaType);
        Assert.Matches("^audit-trail-[0-9]{8}T[0-9]{6}Z\\.csv$", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var lines = (await download.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', AuditCsv.Header), lines[0]);
        var registration = Assert.Single(lines, line => line.Contains(",Create,Patient,", StringComparison.Ordinal));
        Assert.Contains($"{patient.Text("mrn")} Dora Downloaded", registration, StringComparison.Ordinal);
        Assert.Contains("GivenName: (none) -> Dora", registration, StringComparison.Ordinal);

        // And the file's read is in the patient's history, by the admin, naming the filter.
        var reads = await api.GetFromJsonAsync<JsonElement>($"/api/v1/audit?patientId={id}&resource=AuditLog&action=Read");
        Assert.Contains(
            reads.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("actorName").GetString() == DemoUsers.Admin && e.GetProperty("patientId").GetString() == id);
    }

    [Fact]
    public async Task Download_ByARoleWithoutAuditLogRetrieve_IsRefusedWithoutAFile()
    {
        // Arrange
        using var browser = await AccountPages.SignInAsync(Portal, DemoUsers.Nurse, DemoAccounts.DefaultPassword);

        // Act
        using var download = await browser.GetAsync("/downloads/audit.csv");

        // Assert: the browser is sent to the access-denied page; no CSV.
        Assert.Equal(HttpStatusCode.Redirect, download.StatusCode);
        Assert.Contains("/Account/AccessDenied", download.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.NotEqual("text/csv", download.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Download_WithAnEndBeforeItsStart_IsAProblemNamingTheField()
    {
        // Arrange
        using var browser = await AccountPages.SignInAsync(Portal, DemoUsers.Admin, DemoAccounts.DefaultPassword);

        // Act
        using var download = await browser.GetAsync("/downloads/audit.csv?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, download.StatusCode);
        var problem = await download.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any(), "The problem names the field in error.");
    }
}
