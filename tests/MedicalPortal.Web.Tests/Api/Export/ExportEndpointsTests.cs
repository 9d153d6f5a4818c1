using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CsvHelper;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Api.Export;

/// <summary>
/// <c>/api/v1/studies/{id}/export.csv</c> and the extraction files over HTTP, on a seeded installation whose demo study
/// has the consent of every other demo patient, on SQLite files and on PostgreSQL.
/// </summary>
public abstract class ExportEndpointsTests(PortalFactory portal)
{
    /// <summary>The demo study of the seed (DemoData.DemoStudyId).</summary>
    private static readonly Guid DemoStudy = Guid.Parse("0198f0a0-2026-8000-8000-000000000001");

    [Fact]
    public async Task ExportCsv_Researcher_StreamsAParsableCsvWithTheContractHeader()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Researcher);

        // Act
        using var response = await client.GetAsync($"/api/v1/studies/{DemoStudy}/export.csv", HttpCompletionOption.ResponseHeadersRead);
        var rows = await ParseAsync(response);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith($"study-{DemoStudy}-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        Assert.Equal(ResearchCsv.Header, rows[0]);
        Assert.True(rows.Count > 20, $"Only {rows.Count - 1} rows from the demo study.");
        Assert.All(rows.Skip(1), row =>
        {
            Assert.Equal(13, row.Length);
            Assert.Matches("^[0-9a-f]{32}$", row[0]);
            Assert.Matches("^([0-9]{4}|[0-9]{4}-[0-9]{4}|90\\+)$", row[1]);
            Assert.Matches("^[0-9]{3}$", row[3]);
        });
    }

    [Fact]
    public async Task ExportCsv_ThousandsOfRows_StreamsThemAllAndAuditsTheCount()
    {
        // Arrange: 3,000 consenting patients of one class, 2 visits each, written straight to the shards.
        var study = await LargeStudyAsync(patients: 3_000, visitsEach: 2);
        using var client = await portal.CreateClientForAsync(DemoUsers.Researcher);

        // Act
        using var response = await client.GetAsync($"/api/v1/studies/{study}/export.csv", HttpCompletionOption.ResponseHeadersRead);
        var rows = await ParseAsync(response);

        // Assert: every row arrived (an HTTP response refuses synchronous writes; a sync write would cut it short).
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(6_000, rows.Count - 1);
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?resource=Export&action=Export&limit=200");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e =>
            e.GetProperty("resourceId").GetString() == study.ToString() && e.GetRawText().Contains("\"6000\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExportCsv_DemoPatientsData_NoNameMrnOrContactDetailLeaves()
    {
        // Arrange: what the clinic knows about demo patient zero (patient@clinic.test), read as a doctor.
        using var doctor = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var ownId = await portal.LinkedPatientIdAsync(DemoUsers.Patient);
        var patient = await doctor.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{ownId}");
        using var researcher = await portal.CreateClientForAsync(DemoUsers.Researcher);

        // Act
        var csv = await researcher.GetStringAsync($"/api/v1/studies/{DemoStudy}/export.csv");

        // Assert
        foreach (var field in new[] { "id", "mrn", "givenName", "familyName", "phone", "email", "addressLine", "city" })
        {
            if (patient.GetProperty(field).GetString() is { Length: > 0 } value)
            {
                Assert.DoesNotContain(value, csv, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Theory]
    [InlineData(DemoUsers.Doctor)]
    [InlineData(DemoUsers.Nurse)]
    [InlineData(DemoUsers.Receptionist)]
    [InlineData(DemoUsers.Patient)]
    public async Task ExportCsv_RoleWithoutExportRetrieve_403ProblemAndNoCsv(string email)
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(email);

        // Act
        using var response = await client.GetAsync($"/api/v1/studies/{DemoStudy}/export.csv");

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentDisposition);
    }

    [Fact]
    public async Task ExportCsv_Anonymous_401()
    {
        // Arrange
        using var client = portal.CreateAnonymousClient();

        // Act
        using var response = await client.GetAsync($"/api/v1/studies/{DemoStudy}/export.csv");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ExportCsv_UnknownStudy_404Problem()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Researcher);

        // Act
        using var response = await client.GetAsync($"/api/v1/studies/{Guid.NewGuid()}/export.csv");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Extractions_AfterAScheduledRun_ListedWithCountsAndTheFileMatchesItsSha256()
    {
        // Arrange
        await portal.Services.GetRequiredService<IExtractionRunner>().RunAllAsync(default);
        using var client = await portal.CreateClientForAsync(DemoUsers.Researcher);

        // Act
        var list = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{DemoStudy}/extractions");
        var newest = list.GetProperty("items")[0];
        using var file = await client.GetAsync($"/api/v1/studies/{DemoStudy}/extractions/{newest.GetProperty("id").GetGuid()}.csv");
        var bytes = await file.Content.ReadAsByteArrayAsync();

        // Assert
        Assert.Equal("completed", newest.GetProperty("status").GetString());
        Assert.True(newest.GetProperty("rows").GetInt32() >= 0);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(newest.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Fact]
    public async Task Extractions_Doctor_403()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        using var response = await client.GetAsync($"/api/v1/studies/{DemoStudy}/extractions");

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Extractions_UnknownStudy_404()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Researcher);

        // Act
        using var response = await client.GetAsync($"/api/v1/studies/{Guid.NewGuid()}/extractions");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ExtractionFile_UnknownRun_404()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Researcher);

        // Act
        using var response = await client.GetAsync($"/api/v1/studies/{DemoStudy}/extractions/{Guid.NewGuid()}.csv");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<Guid> LargeStudyAsync(int patients, int visitsEach)
    {
        var now = DateTimeOffset.UtcNow;
        var study = await portal.AddStudyAsync("Large synthetic study", now);
        var batch = Enumerable.Range(0, patients).Select(_ => ResearchStudies.Participant(
            study,
            new PatientInput { GivenName = "Testy", FamilyName = "Largestudy", BirthDate = new DateOnly(1975, 5, 5), Sex = Sex.Female, PostalCode = "02139" },
            Enumerable.Range(0, visitsEach).Select(v => new VisitInput
            {
                StartedAt = now.AddDays(-10 - v), Type = VisitType.Checkup, Clinician = "Dr. Test", Systolic = 120, Diastolic = 80,
            }),
            now)).ToList();
        await portal.AddParticipantsAsync(batch);
        return study;
    }

    private static async Task<List<string[]>> ParseAsync(HttpResponseMessage response)
    {
        // Parsed strictly, header included as the first record, the way a researcher's tools would read it.
        await using var body = await response.Content.ReadAsStreamAsync();
        await using var csv = CsvReader.Create(body, CsvReaderOptions.Default with { HasHeader = false }, leaveOpen: false);
        var rows = new List<string[]>();
        while (await csv.ReadAsync())
        {
            rows.Add([.. Enumerable.Range(0, csv.FieldCount).Select(csv.GetString)]);
        }

        return rows;
    }

    public sealed class OnSqlite(PortalFactory fixture) : ExportEndpointsTests(fixture), IClassFixture<PortalFactory>;

    [Collection(SharedPortals.Postgres)]
    public sealed class OnPostgres(PostgresPortal fixture) : ExportEndpointsTests(fixture.Portal);
}
