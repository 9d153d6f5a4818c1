using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CsvHelper;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Export;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Fhir.Bulk;
using MedicalPortal.Web.Tests.Infrastructure;
using MedicalPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using FhirPatient = Hl7.Fhir.Model.Patient;
using Task = System.Threading.Tasks.Task;

// Firely's model marks every element nullable; an element missing here fails the test at once, which is what these
// assertions check for, so the file reads them without a null-forgiving operator on each.
#nullable disable warnings

namespace MedicalPortal.Web.Tests.Fhir;

/// <summary>
/// <c>GET /fhir/r4/Group/{study}/$export</c> as a Bulk Data client uses it: kick-off, polling, the manifest, the NDJSON
/// files, cancellation; every resource valid against the core R4 definitions, nothing of a canary patient's identity in
/// any file, the same patients and values as the CSV of the same study, and the release in the audit trail; on SQLite
/// files and on PostgreSQL.
/// </summary>
public abstract class FhirBulkExportTests(PortalFactory portal)
{
    /// <summary>The demo study of the seed (DemoData.DemoStudyId).</summary>
    private static readonly Guid DemoStudy = Guid.Parse("0198f0a0-2026-8000-8000-000000000001");

    private static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir();

    [Fact]
    public async Task Export_OfTheDemoStudy_ManifestListsNdjsonFilesOfValidResourcesOnlyTheRequesterFetches()
    {
        using var researcher = await portal.CreateClientForAsync(DemoUsers.Researcher);

        var (status, manifest) = await ExportAsync(researcher, DemoStudy);
        var files = await FilesAsync(researcher, manifest);

        Assert.True(status.IsAbsoluteUri, "Content-Location must be the absolute URL to poll.");
        Assert.Equal($"http://localhost/fhir/r4/Group/{DemoStudy}/$export", manifest.GetProperty("request").GetString());
        Assert.True(manifest.GetProperty("requiresAccessToken").GetBoolean());
        Assert.True(DateTimeOffset.TryParse(manifest.GetProperty("transactionTime").GetString(), CultureInfo.InvariantCulture, out _));
        Assert.Empty(manifest.GetProperty("error").EnumerateArray());
        Assert.Equal(["Patient", "Encounter", "Observation", "Condition"], files.Keys);
        foreach (var (type, lines) in files)
        {
            Assert.All(lines, line => Assert.Equal(type, FhirAssert.Validated(line).TypeName));
        }

        // Another account, though allowed to export, learns nothing of this one's export.
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        using var theirs = await admin.GetAsync(status);
        using var theirFile = await admin.GetAsync(manifest.GetProperty("output")[0].GetProperty("url").GetString());
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (theirs.StatusCode, theirFile.StatusCode));
        Assert.Equal("application/fhir+json", theirs.Content.Headers.ContentType?.MediaType);

        // One without the right is refused before it learns whether the export exists.
        using var doctor = await portal.CreateClientForAsync(DemoUsers.Doctor);
        using var refused = await doctor.GetAsync(status);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Export_WithACanaryPatient_NothingIdentifyingLeavesAndThePatientsAndValuesAreTheCsvs()
    {
        var (study, canary) = await StudyWithCanaryAsync();
        using var researcher = await portal.CreateClientForAsync(DemoUsers.Researcher);

        var csv = await CsvRowsAsync(researcher, study);
        var files = await FilesAsync(researcher, (await ExportAsync(researcher, study)).Manifest);

        // Nothing that names the canary, where it lives, how to reach it or what its clinicians wrote.
        var everything = string.Join('\n', files.Values.SelectMany(l => l));
        foreach (var identifier in canary.Identifiers)
        {
            Assert.DoesNotContain(identifier, everything, StringComparison.OrdinalIgnoreCase);
        }

        // The same rows as the CSV: the canary's class is released (seven patients), the small class is held back.
        var rows = RowsOf(files);
        Assert.Equal(csv.Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
        Assert.Equal(7, files["Patient"].Count);
        Assert.Contains(rows, r => r.Contains(",1975,female,021,", StringComparison.Ordinal) && r.Contains(",70.25,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_IsInTheAuditTrailAsAnExportToItsRequesterNamingThePatientsReleased()
    {
        var (study, canary) = await StudyWithCanaryAsync();
        using var researcher = await portal.CreateClientForAsync(DemoUsers.Researcher);

        await ExportAsync(researcher, study);

        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?resource=Export&action=Export&limit=200");
        var entries = audit.GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("resourceId").GetString() == study.ToString() && e.GetProperty("actorName").GetString() == DemoUsers.Researcher)
            .ToList();
        Assert.Contains(entries, e => e.GetProperty("patientIds").EnumerateArray().Any(p => p.GetGuid() == canary.PatientId));
        // Eight rows: the canary's two visits, five peers' one each, a peer without visits; the small class held back.
        Assert.Contains(entries, e => e.GetProperty("changes").EnumerateArray()
            .Any(c => c.GetProperty("property").GetString() == "rows" && c.GetProperty("new").GetString() == "8"));
    }

    [Fact]
    public async Task Export_OfTheTypesAsked_HasOnlyTheirFiles_TheFormatNamedAsAClientWritesIt()
    {
        using var researcher = await portal.CreateClientForAsync(DemoUsers.Researcher);

        var (_, manifest) = await ExportAsync(researcher, DemoStudy, "?_type=Condition,Patient&_outputFormat=application/fhir+ndjson");

        Assert.Equal(["Patient", "Condition"], manifest.GetProperty("output").EnumerateArray().Select(o => o.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Delete_OfAnExport_AnswersAcceptedAndItsStatusAndFilesAreGone()
    {
        using var researcher = await portal.CreateClientForAsync(DemoUsers.Researcher);
        var (status, manifest) = await ExportAsync(researcher, DemoStudy);

        using var deleted = await researcher.DeleteAsync(status);
        using var after = await researcher.GetAsync(status);
        using var file = await researcher.GetAsync(manifest.GetProperty("output")[0].GetProperty("url").GetString());

        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (after.StatusCode, file.StatusCode));
    }

    [Theory]
    [InlineData("", false, "Prefer")]
    [InlineData("?_type=MedicationRequest", true, "_type")]
    [InlineData("?_since=2026-01-01T00:00:00Z", true, "_since")]
    [InlineData("?patient=Patient/1", true, "patient")]
    [InlineData("?_outputFormat=text%2Fcsv", true, "_outputFormat")]
    public async Task KickOff_ThatCannotBeHonoured_400OperationOutcomeNamingWhy(string query, bool preferAsync, string field)
    {
        using var researcher = await portal.CreateClientForAsync(DemoUsers.Researcher);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/r4/Group/{DemoStudy}/$export{query}");
        if (preferAsync)
        {
            request.Headers.Add("Prefer", "respond-async");
        }

        using var response = await researcher.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var outcome = Assert.IsType<OperationOutcome>(FhirAssert.Validated(await response.Content.ReadAsStringAsync()));
        Assert.Equal(field, outcome.Issue.Single().Expression.Single());
        Assert.Null(response.Content.Headers.ContentLocation);
    }

    [Theory]
    [InlineData(DemoUsers.Doctor)]
    [InlineData(DemoUsers.Nurse)]
    [InlineData(DemoUsers.Receptionist)]
    [InlineData(DemoUsers.Patient)]
    public async Task KickOff_RoleWithoutExportRetrieve_403OperationOutcome(string email)
    {
        using var client = await portal.CreateClientForAsync(email);

        using var response = await KickOffAsync(client, DemoStudy);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.IsType<OperationOutcome>(FhirAssert.Validated(await response.Content.ReadAsStringAsync()));
        Assert.Null(response.Content.Headers.ContentLocation);
    }

    [Fact]
    public async Task KickOff_Anonymous_401()
    {
        using var client = portal.CreateAnonymousClient();

        using var response = await KickOffAsync(client, DemoStudy);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("0198f0a0-2026-8000-8000-0000000000ff")]
    [InlineData("not-a-study")]
    public async Task KickOff_UnknownStudy_404OperationOutcome(string group)
    {
        using var researcher = await portal.CreateClientForAsync(DemoUsers.Researcher);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/r4/Group/{group}/$export");
        request.Headers.Add("Prefer", "respond-async");

        using var response = await researcher.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.IsType<OperationOutcome>(FhirAssert.Validated(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task KickOff_WhileAnotherNodeRunsAnExportOfTheSameAccount_429NamingIt_AndALostOneIsReportedFailed()
    {
        // An export of the researcher that a node on the same share is running (it beat just now), and one whose node
        // went away two minutes ago.
        using var researcher = await portal.CreateClientForAsync(DemoUsers.Researcher);
        var accountId = await AccountIdAsync(DemoUsers.Researcher);
        var running = await PlantJobAsync(accountId, heartbeatAgo: TimeSpan.Zero);

        using var refused = await KickOffAsync(researcher, DemoStudy);
        var refusal = Assert.IsType<OperationOutcome>(FhirAssert.Validated(await refused.Content.ReadAsStringAsync()));
        using var stillRunning = await researcher.GetAsync($"/fhir/r4/bulk/{running}");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains($"/fhir/r4/bulk/{running}", refusal.Issue.Single().Diagnostics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, stillRunning.StatusCode);
        Assert.StartsWith("in progress", stillRunning.Headers.GetValues("X-Progress").Single(), StringComparison.Ordinal);

        // Once its node is gone it no longer holds the account back, and its status says to start again.
        Directory.Delete(FolderOf(running), recursive: true);
        var lost = await PlantJobAsync(accountId, heartbeatAgo: TimeSpan.FromMinutes(2));
        using var status = await researcher.GetAsync($"/fhir/r4/bulk/{lost}");
        var failure = Assert.IsType<OperationOutcome>(FhirAssert.Validated(await status.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.InternalServerError, status.StatusCode);
        Assert.Contains("Start it again", failure.Issue.Single().Diagnostics, StringComparison.Ordinal);
        await AssertReadyForAnotherAsync(researcher);
    }

    private static async Task AssertReadyForAnotherAsync(HttpClient researcher)
    {
        // The account may start another export: nothing of the earlier one holds it back.
        await ExportAsync(researcher, DemoStudy, "?_type=Patient");
    }

    private static async Task<HttpResponseMessage> KickOffAsync(HttpClient client, Guid study, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/r4/Group/{study}/$export{query}");
        request.Headers.Add("Accept", "application/fhir+json");
        request.Headers.Add("Prefer", "respond-async");
        return await client.SendAsync(request);
    }

    // The polling location of an accepted kick-off (which says so in an OperationOutcome).
    private static async Task<Uri> StatusUrlAsync(HttpResponseMessage kickOff)
    {
        Assert.Equal(HttpStatusCode.Accepted, kickOff.StatusCode);
        Assert.IsType<OperationOutcome>(FhirAssert.Validated(await kickOff.Content.ReadAsStringAsync()));
        return kickOff.Content.Headers.ContentLocation ?? throw new InvalidOperationException("The kick-off gave no Content-Location.");
    }

    /// <summary>Kicks off an export of <paramref name="study"/> and polls it to its manifest; returns where it was polled too.</summary>
    internal static async Task<(Uri Status, JsonElement Manifest)> ExportAsync(HttpClient client, Guid study, string query = "")
    {
        using var kickOff = await KickOffAsync(client, study, query);
        var status = await StatusUrlAsync(kickOff);
        return (status, await CompletedAsync(client, status));
    }

    // Polls as a client does, every Retry-After, until the manifest (at most a minute).
    private static async Task<JsonElement> CompletedAsync(HttpClient client, Uri status)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var response = await client.GetAsync(status);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Content.Headers.Expires);
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            }

            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Polling answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.True(response.Headers.Contains("X-Progress"));
            await Task.Delay(100);
        }

        throw new TimeoutException("The export did not complete within a minute.");
    }

    // Every file of the manifest, fetched with the token, as lines; each count is the file's number of lines.
    private static async Task<Dictionary<string, List<string>>> FilesAsync(HttpClient client, JsonElement manifest)
    {
        var files = new Dictionary<string, List<string>>();
        foreach (var output in manifest.GetProperty("output").EnumerateArray())
        {
            using var response = await client.GetAsync(output.GetProperty("url").GetString());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(BulkExportEndpoints.NdjsonContentType, response.Content.Headers.ContentType?.MediaType);
            var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
            Assert.Equal(output.GetProperty("count").GetInt32(), lines.Count);
            files.Add(output.GetProperty("type").GetString()!, lines);
        }

        return files;
    }

    // The CSV rows of the study, as its text fields joined by commas.
    private static async Task<List<string>> CsvRowsAsync(HttpClient client, Guid study)
    {
        await using var body = await client.GetStreamAsync($"/api/v1/studies/{study}/export.csv");
        await using var csv = CsvReader.Create(body, CsvReaderOptions.Default, leaveOpen: false);
        var rows = new List<string>();
        while (await csv.ReadAsync())
        {
            rows.Add(string.Join(',', Enumerable.Range(0, csv.FieldCount).Select(csv.GetString)));
        }

        return rows;
    }

    // The CSV rows the NDJSON files hold: one per Encounter (its patient, year, type, vitals, codes), and one with empty
    // visit columns per Patient without any.
    private static List<string> RowsOf(Dictionary<string, List<string>> files)
    {
        T[] Parsed<T>(string type) => [.. files.GetValueOrDefault(type, []).Select(l => JsonSerializer.Deserialize<T>(l, Fhir))];
        var patients = Parsed<FhirPatient>("Patient").ToDictionary(p => $"Patient/{p.Id}");
        var observations = Parsed<Observation>("Observation").ToLookup(o => o.Encounter.Reference);
        var conditions = Parsed<Condition>("Condition").ToLookup(c => c.Encounter.Reference);
        string PatientColumns(FhirPatient p) => string.Join(',',
            p.Id, p.GetStringExtension(ResearchResources.BirthYearExtension), p.Gender.ToString().ToLowerInvariant(),
            p.GetStringExtension(ResearchResources.Zip3Extension));
        string Number(Observation o, string code) =>
            o.Code.Coding.Single().Code == code ? ((Quantity)o.Value).Value?.ToString("0.############", CultureInfo.InvariantCulture) ?? "" :
            o.Component.SingleOrDefault(c => c.Code.Coding.Single().Code == code) is { } component ? ((Quantity)component.Value).Value?.ToString("0", CultureInfo.InvariantCulture) : "";
        string Vital(IEnumerable<Observation> all, string code) =>
            all.Select(o => Number(o, code)).SingleOrDefault(v => v.Length > 0) ?? "";

        var rows = new List<string>();
        var encounters = Parsed<Encounter>("Encounter");
        foreach (var encounter in encounters)
        {
            var reference = $"Encounter/{encounter.Id}";
            var vitals = observations[reference].ToList();
            var codes = conditions[reference].OrderBy(c => int.Parse(c.Id[(c.Id.LastIndexOf("dx", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture))
                .Select(c => c.Code.Coding.Single().Code);
            rows.Add(string.Join(',',
                PatientColumns(patients[encounter.Subject.Reference]), encounter.Period.Start, encounter.Type.Single().Text.ToLowerInvariant(),
                Vital(vitals, "8302-2"), Vital(vitals, "29463-7"), Vital(vitals, "8480-6"), Vital(vitals, "8462-4"),
                Vital(vitals, "8867-4"), Vital(vitals, "8310-5"), string.Join(';', codes)));
        }

        var withVisits = encounters.Select(e => e.Subject.Reference).ToHashSet();
        rows.AddRange(patients.Where(p => !withVisits.Contains(p.Key)).Select(p => PatientColumns(p.Value) + ",,,,,,,,,"));
        return rows;
    }

    private sealed record Canary(Guid PatientId, IReadOnlyList<string> Identifiers);

    // A study of seven consenting patients born 1975, female, ZIP 021xx, one of them the canary with every identifying
    // detail the clinic keeps, and two of a class too small to release (held back from every format).
    private async Task<(Guid Study, Canary Canary)> StudyWithCanaryAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var study = await portal.AddStudyAsync("Bulk export canary study", now);
        SeedPatient Participant(PatientInput input, params VisitInput[] visits) => ResearchStudies.Participant(study, input, visits, now);

        VisitInput Checkup(int daysAgo, string reason = "Routine", string? notes = null) => new()
        {
            StartedAt = new DateTimeOffset(2025, 3, 4, 9, 30, 0, TimeSpan.Zero).AddDays(-daysAgo), Type = VisitType.Checkup,
            Clinician = "Dr. Test", Reason = reason, Notes = notes, Systolic = 121, Diastolic = 79, HeartRate = 66, DiagnosisCodes = ["I10"],
        };

        var canaryInput = new PatientInput
        {
            GivenName = "Canarybulk", FamilyName = "Fhirleakcheck", BirthDate = new DateOnly(1975, 5, 5), Sex = Sex.Female,
            Phone = "+1 617 555 0199", Email = "canary.bulk@example.org", AddressLine = "77 Canarywharf Road", City = "Leakville",
            State = "MA", PostalCode = "02139",
        };
        var canary = Participant(canaryInput,
            new VisitInput
            {
                StartedAt = new DateTimeOffset(2025, 3, 4, 9, 30, 0, TimeSpan.Zero), Type = VisitType.FollowUp, Clinician = "Dr. Canaryclinician",
                Reason = "Canaryreason for the visit", Notes = "Canarynote the clinician kept", HeightCm = 172.5m, WeightKg = 70.25m,
                Systolic = 131, Diastolic = 84, HeartRate = 71, TemperatureC = 36.8m, DiagnosisCodes = ["I10", "E11.9"],
            },
            Checkup(400, "Canaryreason two"));
        var batch = new List<SeedPatient> { canary };
        for (var i = 0; i < 6; i++)
        {
            batch.Add(Participant(
                new PatientInput { GivenName = "Peer", FamilyName = $"Bulkpeer{(char)('a' + i)}", BirthDate = new DateOnly(1975, 1 + i, 10), Sex = Sex.Female, PostalCode = "02140" },
                i == 0 ? [] : [Checkup(10 * i)]));
        }

        for (var i = 0; i < 2; i++)
        {
            batch.Add(Participant(
                new PatientInput { GivenName = "Small", FamilyName = $"Bulkclass{(char)('a' + i)}", BirthDate = new DateOnly(1990, 2, 2), Sex = Sex.Male, PostalCode = "60601" },
                Checkup(5)));
        }

        await portal.AddParticipantsAsync(batch);

        var patient = canary.Patient;
        string[] identifiers =
        [
            patient.Id.ToString("D"), patient.Id.ToString("N"), patient.Mrn.ToString(), "Canarybulk", "Fhirleakcheck", "617 555 0199",
            "canary.bulk@example.org", "Canarywharf", "Leakville", "02139", "1975-05-05", "2025-03-04", "Canaryclinician", "Canaryreason",
            "Canarynote", .. canary.Visits.Select(v => v.Id.ToString("D")),
        ];
        return (study, new Canary(patient.Id, identifiers));
    }

    private async Task<string> AccountIdAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
    }

    // A job.json as a node running an export on the shared export directory keeps it.
    private async Task<Guid> PlantJobAsync(string accountId, TimeSpan heartbeatAgo)
    {
        var now = DateTimeOffset.UtcNow;
        var job = new BulkExportJob
        {
            Id = Guid.CreateVersion7(),
            StudyId = DemoStudy,
            AccountId = accountId,
            RequestedBy = DemoUsers.Researcher,
            TransactionTime = now - heartbeatAgo,
            Request = $"http://localhost/fhir/r4/Group/{DemoStudy}/$export",
            Types = ["Patient"],
            Status = BulkExportStatus.Running,
            HeartbeatAt = now - heartbeatAgo,
            Resources = 12,
        };
        Directory.CreateDirectory(FolderOf(job.Id));
        await File.WriteAllBytesAsync(Path.Combine(FolderOf(job.Id), "job.json"), JsonSerializer.SerializeToUtf8Bytes(job, BulkExportJob.Json));
        return job.Id;
    }

    private string FolderOf(Guid jobId) => Path.Combine(portal.Services.GetRequiredService<ExportDirectory>().Path, "bulk", jobId.ToString("D"));

    public sealed class OnSqlite(PortalFactory fixture) : FhirBulkExportTests(fixture), IClassFixture<PortalFactory>;

    [Collection(SharedPortals.Postgres)]
    public sealed class OnPostgres(PostgresPortal fixture) : FhirBulkExportTests(fixture.Portal);
}
