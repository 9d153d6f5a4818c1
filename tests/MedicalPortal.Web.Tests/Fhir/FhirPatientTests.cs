using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hl7.Fhir.Model;
using MedicalPortal.Core.Audit;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace MedicalPortal.Web.Tests.Fhir;

/// <summary>
/// FHIR R4 at /fhir/r4 as a FHIR client uses it: every resource it answers with, errors included, parses with the
/// Firely SDK and validates against the core R4 definitions; a Patient read carries the record's values and is in the
/// audit trail like any read; search finds by MRN, name and birth date across the shards and pages with next links;
/// the permission matrix and the patient's own-record scope hold.
/// On SQLite files and on PostgreSQL.
/// </summary>
public abstract class FhirPatientTests(PortalFactory portal)
{
    [Fact]
    public async Task Metadata_WithoutSigningIn_IsAValidCapabilityStatementForPatientReadAndSearchAndTheGroupExport()
    {
        using var client = portal.CreateAnonymousClient();

        var statement = await FhirAssert.ReadAsync<CapabilityStatement>(client, "/fhir/r4/metadata", HttpStatusCode.OK);

        Assert.Equal(FHIRVersion.N4_0_1, statement.FhirVersion);
        Assert.Equal(["Patient", "Encounter", "Observation", "Condition", "Consent", "Group"], statement.Rest[0].Resource.Select(r => r.Type));
        var patient = statement.Rest[0].Resource[0];
        Assert.Equal(["name", "birthdate", "identifier"], patient.SearchParam.Select(p => p.Name));
        var export = statement.Rest[0].Resource[5].Operation.Single();
        Assert.Equal(("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export"), (export.Name, export.Definition));
        Assert.Equal(["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"], statement.Instantiates);
    }

    [Fact]
    public async Task ReadPatient_AsDoctor_IsAValidPatientWithTheRecordsValues_AndTheReadIsAudited()
    {
        // Arrange: a patient registered through the JSON API.
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        using var created = await client.PostAsJsonAsync("/api/v1/patients", ApiRequests.Patient("Fhirread", "Example", city: "Springfield"));
        var json = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = json.Text("id");

        // Act
        var patient = await FhirAssert.ReadAsync<Patient>(client, $"/fhir/r4/Patient/{id}", HttpStatusCode.OK);

        // Assert
        Assert.Equal(id, patient.Id);
        Assert.Equal(("urn:medicalportal:mrn", json.Text("mrn")), (patient.Identifier[0].System, patient.Identifier[0].Value));
        Assert.Equal(("Example", "Fhirread"), (patient.Name[0].Family, patient.Name[0].Given.Single()));
        Assert.Equal(("1980-01-02", AdministrativeGender.Female, "Springfield"), (patient.BirthDate, patient.Gender, patient.Address[0].City));
        var reads = await portal.Services.GetRequiredService<IAuditStore>().QueryAsync(
            new AuditQuery { PatientId = Guid.Parse(id), Action = AuditAction.Read, Limit = 10 }, CancellationToken.None);
        Assert.Contains(reads.Items, e => e.ActorName == DemoUsers.Doctor);
    }

    [Fact]
    public async Task SearchByIdentifier_FindsExactlyThatRecord_InAValidSearchsetBundle()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Nurse);
        var mrn = (await FhirAssert.ReadAsync<Bundle>(client, "/fhir/r4/Patient?_count=1", HttpStatusCode.OK)).Entry[0].Resource is Patient first
            ? first.Identifier[0].Value
            : throw new InvalidOperationException("No demo patient.");

        // Act
        var bundle = await FhirAssert.ReadAsync<Bundle>(client, $"/fhir/r4/Patient?identifier=urn:medicalportal:mrn|{mrn}", HttpStatusCode.OK);

        // Assert
        Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
        var entry = Assert.Single(bundle.Entry);
        var found = Assert.IsType<Patient>(entry.Resource);
        Assert.Equal(mrn, found.Identifier[0].Value);
        Assert.Equal(Bundle.SearchEntryMode.Match, entry.Search?.Mode);
        Assert.EndsWith($"/fhir/r4/Patient/{found.Id}", entry.FullUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchByNameAndBirthDate_PagesWithNextLinks_WithoutRepeatingAPatient()
    {
        // Arrange: three patients sharing a family name and a birth date.
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        foreach (var given in new[] { "Ann", "Bea", "Cyd" })
        {
            using var created = await client.PostAsJsonAsync("/api/v1/patients", ApiRequests.Patient(given, "Fhirpaged", birthDate: "1975-06-07"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // Act: two a page, following the next links.
        var seen = new List<string>();
        var url = "/fhir/r4/Patient?name=Fhirpaged&birthdate=1975-06-07&_count=2";
        var pages = 0;
        while (url is not null)
        {
            var bundle = await FhirAssert.ReadAsync<Bundle>(client, url, HttpStatusCode.OK);
            seen.AddRange(bundle.Entry.Select(e => Assert.IsType<Patient>(e.Resource).Name[0].Given.Single() ?? ""));
            url = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url is { } next ? new Uri(next).PathAndQuery : null;
            pages++;
        }

        // Assert
        Assert.Equal(["Ann", "Bea", "Cyd"], seen.Order(StringComparer.Ordinal));
        Assert.Equal(2, pages);
    }

    [Fact]
    public async Task ReadPatient_Unknown_IsAValidOperationOutcomeWith404()
    {
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        var outcome = await FhirAssert.ReadAsync<OperationOutcome>(client, $"/fhir/r4/Patient/{Guid.NewGuid()}", HttpStatusCode.NotFound);

        Assert.Equal(OperationOutcome.IssueType.NotFound, outcome.Issue.Single().Code);
    }

    [Fact]
    public async Task Search_WithoutAToken_IsAValidOperationOutcomeWith401()
    {
        using var client = portal.CreateAnonymousClient();

        var outcome = await FhirAssert.ReadAsync<OperationOutcome>(client, "/fhir/r4/Patient?name=A", HttpStatusCode.Unauthorized);

        Assert.Equal(OperationOutcome.IssueType.Login, outcome.Issue.Single().Code);
    }

    [Fact]
    public async Task Search_AsResearcher_WhoMayNotRetrievePatients_IsAValidOperationOutcomeWith403()
    {
        using var client = await portal.CreateClientForAsync(DemoUsers.Researcher);

        var outcome = await FhirAssert.ReadAsync<OperationOutcome>(client, "/fhir/r4/Patient?name=A", HttpStatusCode.Forbidden);

        Assert.Equal(OperationOutcome.IssueType.Forbidden, outcome.Issue.Single().Code);
    }

    [Fact]
    public async Task Patient_SeesOnlyTheirOwnRecord_OthersAreNotFound()
    {
        // Arrange: the demo patient's own record, and someone else's.
        using var doctor = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var other = Assert.IsType<Patient>((await FhirAssert.ReadAsync<Bundle>(doctor, "/fhir/r4/Patient?_count=1", HttpStatusCode.OK)).Entry[0].Resource);
        using var patient = await portal.CreateClientForAsync(DemoUsers.Patient);

        // Act
        var own = await FhirAssert.ReadAsync<Bundle>(patient, "/fhir/r4/Patient", HttpStatusCode.OK);
        var refused = await FhirAssert.ReadAsync<OperationOutcome>(patient, $"/fhir/r4/Patient/{other.Id}", HttpStatusCode.NotFound);

        // Assert
        var entry = Assert.Single(own.Entry);
        Assert.NotEqual(other.Id, Assert.IsType<Patient>(entry.Resource).Id);
        Assert.Equal(OperationOutcome.IssueType.NotFound, refused.Issue.Single().Code);
    }

    [Theory]
    [InlineData("_format=xml", null, HttpStatusCode.NotAcceptable)]
    [InlineData(null, "application/fhir+xml", HttpStatusCode.NotAcceptable)]
    [InlineData("_format=json", null, HttpStatusCode.OK)]
    [InlineData(null, "application/fhir+json", HttpStatusCode.OK)]
    public async Task Format_JsonIsAnswered_XmlIsAValidOperationOutcomeWith406(string? format, string? accept, HttpStatusCode expected)
    {
        using var client = portal.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/r4/metadata" + (format is null ? "" : "?" + format));
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var resource = FhirAssert.Validated(await response.Content.ReadAsStringAsync());
        Assert.IsType(expected == HttpStatusCode.OK ? typeof(CapabilityStatement) : typeof(OperationOutcome), resource);
    }

    [Fact]
    public void CoreValidator_RejectsAPatientThatBreaksAnR4Invariant()
    {
        // A contact with neither details nor an organization breaks pat-1: the validator the other tests rely on sees it.
        var invalid = new Patient { Id = "example", Contact = [new Patient.ContactComponent { Gender = AdministrativeGender.Other }] };

        var outcome = FhirAssert.CoreValidator.Validate(invalid);

        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error);
    }

    [Collection(SharedPortals.Default)]
    public sealed class OnSqlite(PortalFactory fixture) : FhirPatientTests(fixture);

    [Collection(SharedPortals.Postgres)]
    public sealed class OnPostgres(PostgresPortal fixture) : FhirPatientTests(fixture.Portal);
}
