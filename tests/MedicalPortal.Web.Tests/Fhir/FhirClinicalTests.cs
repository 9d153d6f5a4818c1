using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hl7.Fhir.Model;
using MedicalPortal.Web.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

// Firely's model marks every element nullable; an element missing here fails the test at once, which is what these
// assertions check for, so the file reads them without a null-forgiving operator on each.
#nullable disable warnings

namespace MedicalPortal.Web.Tests.Fhir;

/// <summary>
/// A patient's visit as FHIR R4 sees it: the Encounter, its vital signs as Observations coded in LOINC with UCUM
/// units (searchable by code), its ICD-10 diagnoses as Conditions, and the patient's research consents as Consents,
/// every answer valid against the core R4 definitions; a search needs its patient, and the matrix holds.
/// On SQLite files and on PostgreSQL.
/// </summary>
public abstract class FhirClinicalTests(PortalFactory portal)
{
    [Fact]
    public async Task Encounter_OfARecordedVisit_IsFinishedAmbulatoryWithItsClinicianAndReason()
    {
        using var client = await DoctorAsync();
        var (patientId, visitId) = await VisitAsync(client, "Encounterfhir");

        var bundle = await FhirAssert.ReadAsync<Bundle>(client, $"/fhir/r4/Encounter?patient=Patient/{patientId}", HttpStatusCode.OK);

        var encounter = Assert.IsType<Encounter>(Assert.Single(bundle.Entry).Resource);
        Assert.Equal((visitId, Encounter.EncounterStatus.Finished, "AMB"), (encounter.Id, encounter.Status, encounter.Class.Code));
        Assert.Equal($"Patient/{patientId}", encounter.Subject.Reference);
        Assert.Equal("Dr. Test Clinician", encounter.Participant.Single().Individual.Display);
        Assert.Equal("Annual review", encounter.ReasonCode.Single().Text);
        Assert.Equal("2025-03-04T09:30:00+00:00", encounter.Period.Start);
    }

    [Fact]
    public async Task Observations_OfARecordedVisit_AreItsVitalSignsInLoincWithUcumUnits()
    {
        using var client = await DoctorAsync();
        var (patientId, visitId) = await VisitAsync(client, "Observationfhir");

        var bundle = await FhirAssert.ReadAsync<Bundle>(client, $"/fhir/r4/Observation?patient={patientId}", HttpStatusCode.OK);

        var observations = bundle.Entry.Select(e => Assert.IsType<Observation>(e.Resource)).ToDictionary(o => o.Code.Coding.Single().Code);
        Assert.Equal(["29463-7", "8302-2", "8310-5", "85354-9", "8867-4"], observations.Keys.Order(StringComparer.Ordinal));
        Assert.All(observations.Values, o =>
        {
            Assert.Equal("http://loinc.org", o.Code.Coding.Single().System);
            Assert.Equal("vital-signs", o.Category.Single().Coding.Single().Code);
            Assert.Equal($"Encounter/{visitId}", o.Encounter.Reference);
        });
        Assert.Equal((70.25m, "kg", "http://unitsofmeasure.org"), Value(observations["29463-7"]));
        Assert.Equal((172.5m, "cm", "http://unitsofmeasure.org"), Value(observations["8302-2"]));
        Assert.Equal((64m, "/min", "http://unitsofmeasure.org"), Value(observations["8867-4"]));
        var pressure = observations["85354-9"].Component.ToDictionary(c => c.Code.Coding.Single().Code, c => (Quantity)c.Value);
        Assert.Equal((120m, "mm[Hg]"), (pressure["8480-6"].Value, pressure["8480-6"].Code));
        Assert.Equal((80m, "mm[Hg]"), (pressure["8462-4"].Value, pressure["8462-4"].Code));
    }

    [Theory]
    [InlineData("8480-6", "85354-9")]
    [InlineData("http://loinc.org|29463-7", "29463-7")]
    [InlineData("8867-4,8310-5", "8310-5 8867-4")]
    public async Task Observations_SearchedByCode_AreOnlyThoseOfTheCode(string code, string expected)
    {
        using var client = await DoctorAsync();
        var (patientId, _) = await VisitAsync(client, "Codefhir" + new string([.. expected.Where(char.IsAsciiDigit).Select(d => (char)('a' + (d - '0')))]));

        var bundle = await FhirAssert.ReadAsync<Bundle>(client, $"/fhir/r4/Observation?patient={patientId}&code={Uri.EscapeDataString(code)}", HttpStatusCode.OK);

        Assert.Equal(expected.Split(' '), bundle.Entry.Select(e => ((Observation)e.Resource).Code.Coding.Single().Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Conditions_OfARecordedVisit_AreItsIcd10Diagnoses()
    {
        using var client = await DoctorAsync();
        var (patientId, visitId) = await VisitAsync(client, "Conditionfhir");

        var bundle = await FhirAssert.ReadAsync<Bundle>(client, $"/fhir/r4/Condition?patient={patientId}", HttpStatusCode.OK);

        var conditions = bundle.Entry.Select(e => Assert.IsType<Condition>(e.Resource)).ToList();
        Assert.Equal(["E11.9", "I10"], conditions.Select(c => c.Code.Coding.Single().Code).Order(StringComparer.Ordinal));
        Assert.All(conditions, c =>
        {
            Assert.Equal("http://hl7.org/fhir/sid/icd-10", c.Code.Coding.Single().System);
            Assert.Equal($"Encounter/{visitId}", c.Encounter.Reference);
            Assert.Equal("encounter-diagnosis", c.Category.Single().Coding.Single().Code);
        });
    }

    [Fact]
    public async Task Consent_IsActiveOnceGiven_AndInactiveWithItsEndOnceWithdrawn()
    {
        // Arrange: a new study, and the demo patient, signed in as themselves, consenting to it.
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var study = (await admin.CreateStudyAsync(ApiRequests.Study())).Id();
        using var client = await portal.CreateClientForAsync(DemoUsers.Patient);
        var own = Assert.IsType<Patient>(Assert.Single((await FhirAssert.ReadAsync<Bundle>(client, "/fhir/r4/Patient", HttpStatusCode.OK)).Entry).Resource);
        using var enrolled = await client.PostAsJsonAsync(
            $"/api/v1/studies/{study}/enrollments", ApiRequests.Consent(Guid.Parse(own.Id), "2025-02-03T10:00:00Z"));
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        var enrollmentId = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).Text("id");

        // Act and assert: active, to that study.
        var given = await ConsentAsync(client, own.Id, enrollmentId);
        Assert.Equal((Consent.ConsentState.Active, "research"), (given.Status, given.Scope.Coding.Single().Code));
        Assert.Equal(study.ToString("D"), given.Identifier.Single().Value);
        Assert.Equal($"Patient/{own.Id}", given.Patient.Reference);
        Assert.Null(given.Provision.Period.End);

        // Act and assert: withdrawn, by the patient.
        using var withdrawn = await client.DeleteAsync($"/api/v1/enrollments/{enrollmentId}");
        Assert.True(withdrawn.IsSuccessStatusCode, $"Withdrawing answered {withdrawn.StatusCode}.");
        var ended = await ConsentAsync(client, own.Id, enrollmentId);
        Assert.Equal(Consent.ConsentState.Inactive, ended.Status);
        Assert.NotNull(ended.Provision.Period.End);
    }

    [Theory]
    [InlineData("/fhir/r4/Encounter")]
    [InlineData("/fhir/r4/Observation?patient=someone")]
    [InlineData("/fhir/r4/Consent?patient=Patient/not-an-id")]
    public async Task Search_WithoutAPatient_IsAValidOperationOutcomeWith400NamingIt(string path)
    {
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        var outcome = await FhirAssert.ReadAsync<OperationOutcome>(client, path, HttpStatusCode.BadRequest);

        var issue = Assert.Single(outcome.Issue);
        Assert.Equal((OperationOutcome.IssueType.Invalid, "patient"), (issue.Code, issue.Expression.Single()));
    }

    [Fact]
    public async Task Encounter_AsResearcher_WhoMayNotRetrieveVisits_IsAValidOperationOutcomeWith403()
    {
        using var doctor = await DoctorAsync();
        var (patientId, _) = await VisitAsync(doctor, "Refusedfhir");
        using var researcher = await portal.CreateClientForAsync(DemoUsers.Researcher);

        var outcome = await FhirAssert.ReadAsync<OperationOutcome>(researcher, $"/fhir/r4/Encounter?patient={patientId}", HttpStatusCode.Forbidden);

        Assert.Equal(OperationOutcome.IssueType.Forbidden, outcome.Issue.Single().Code);
    }

    private static async Task<Consent> ConsentAsync(HttpClient client, string patientId, string enrollmentId)
    {
        var bundle = await FhirAssert.ReadAsync<Bundle>(client, $"/fhir/r4/Consent?patient=Patient/{patientId}", HttpStatusCode.OK);
        return Assert.IsType<Consent>(Assert.Single(bundle.Entry, e => e.Resource.Id == enrollmentId).Resource);
    }

    private Task<HttpClient> DoctorAsync() => portal.CreateClientForAsync(DemoUsers.Doctor);

    /// <summary>A new patient with one visit (vital signs, two diagnoses) recorded through the JSON API.</summary>
    private static async Task<(string PatientId, string VisitId)> VisitAsync(HttpClient client, string family)
    {
        using var created = await client.PostAsJsonAsync("/api/v1/patients", ApiRequests.Patient("Fhirtest", family));
        var patientId = (await created.Content.ReadFromJsonAsync<JsonElement>()).Text("id");
        var visit = ApiRequests.Visit("Annual review");
        visit["diagnosisCodes"] = new[] { "I10", "E11.9" };
        using var recorded = await client.PostAsJsonAsync($"/api/v1/patients/{patientId}/visits", visit);
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        return (patientId, (await recorded.Content.ReadFromJsonAsync<JsonElement>()).Text("id"));
    }

    private static (decimal? Value, string Code, string System) Value(Observation observation) =>
        observation.Value is Quantity quantity ? (quantity.Value, quantity.Code, quantity.System) : throw new InvalidOperationException("Not a quantity.");

    [Collection(SharedPortals.Default)]
    public sealed class OnSqlite(PortalFactory fixture) : FhirClinicalTests(fixture);

    [Collection(SharedPortals.Postgres)]
    public sealed class OnPostgres(PostgresPortal fixture) : FhirClinicalTests(fixture.Portal);
}
