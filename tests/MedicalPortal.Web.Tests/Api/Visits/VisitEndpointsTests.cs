using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Visits;

/// <summary>
/// <c>/api/v1/patients/{id}/visits</c> and <c>/api/v1/visits/{id}</c> over HTTP, on SQLite files and on PostgreSQL.
/// Every test records its visits on a patient of its own, so the tests share one portal.
/// </summary>
public abstract class VisitEndpointsTests(PortalFactory portal)
{
    [Fact]
    public async Task PostVisit_ValidBody_Returns201WithLocationAndTheContractsJson()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitrecorded"));

        // Act
        using var response = await client.PostAsJsonAsync($"/api/v1/patients/{patient.Id()}/visits", ApiRequests.Visit());
        var visit = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/visits/{visit.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal(patient.Id(), visit.GetProperty("patientId").GetGuid());
        Assert.Equal("follow-up", visit.Text("type"));
        Assert.Equal(new DateTimeOffset(2025, 3, 4, 9, 30, 0, TimeSpan.Zero), visit.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Matches("^2025-03-04T09:30:00(\\.0+)?(Z|\\+00:00)$", visit.Text("startedAt"));
        Assert.Equal(172.5m, visit.GetProperty("heightCm").GetDecimal());
        Assert.Equal(["I10"], visit.GetProperty("diagnosisCodes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(1, visit.Version());
    }

    [Fact]
    public async Task ListVisits_AfterRecording_ListsTheVisit()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitlisted"));
        var visit = await client.RecordVisitAsync(patient.Id(), ApiRequests.Visit());

        // Act
        using var response = await client.GetAsync($"/api/v1/patients/{patient.Id()}/visits");
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var listed = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(visit.GetRawText(), listed.GetRawText());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task ListVisits_UnknownPatient_Returns404Problem()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        using var response = await client.GetAsync($"/api/v1/patients/{Guid.NewGuid()}/visits");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListVisits_FollowingNextCursor_ReturnsNewestFirst()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitpaged"));
        string[] startedAt = ["2024-05-01T08:00:00+00:00", "2025-01-15T10:00:00+00:00", "2024-11-30T16:45:00+00:00"];
        foreach (var instant in startedAt)
        {
            var body = ApiRequests.Visit();
            body["startedAt"] = instant;
            await client.RecordVisitAsync(patient.Id(), body);
        }

        // Act
        var first = await client.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patient.Id()}/visits?limit=2");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/patients/{patient.Id()}/visits?limit=2&cursor={Uri.EscapeDataString(cursor ?? "")}");

        // Assert
        var listed = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(v => v.GetProperty("startedAt").GetDateTimeOffset());
        Assert.NotNull(cursor);
        Assert.Equal(startedAt.Select(s => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).OrderDescending(), listed);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task PostVisit_ReceptionistToken_Returns403Problem()
    {
        // Arrange: the Receptionist role may only view visits.
        using var client = await portal.CreateClientForAsync(DemoUsers.Receptionist);
        var patient = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitreception"));

        // Act
        using var response = await client.PostAsJsonAsync($"/api/v1/patients/{patient.Id()}/visits", ApiRequests.Visit());

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ListVisits_PatientTokenOwnRecord_Returns200AndPostReturns403()
    {
        // Arrange: the Patient role may read its own visits, never record one.
        using var client = await portal.CreateClientForAsync(DemoUsers.Patient);
        var own = await client.GetFromJsonAsync<JsonElement>("/api/v1/patients");
        var ownId = Assert.Single(own.GetProperty("items").EnumerateArray()).Id();

        // Act
        using var list = await client.GetAsync($"/api/v1/patients/{ownId}/visits");
        using var post = await client.PostAsJsonAsync($"/api/v1/patients/{ownId}/visits", ApiRequests.Visit());

        // Assert
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        await post.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GetVisit_ById_ReturnsWhatPostReturned()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitfetched"));
        var visit = await client.RecordVisitAsync(patient.Id(), ApiRequests.Visit());

        // Act
        using var response = await client.GetAsync($"/api/v1/visits/{visit.Id()}");
        var fetched = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(visit.GetRawText(), fetched.GetRawText());
    }

    [Fact]
    public async Task PutVisit_CurrentVersion_Returns200WithTheChange()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Nurse);
        using var doctor = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await doctor.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitcorrected"));
        var visit = await doctor.RecordVisitAsync(patient.Id(), ApiRequests.Visit("First reason"));

        // Act
        using var response = await client.PutAsJsonAsync($"/api/v1/visits/{visit.Id()}",
            ApiRequests.Visit("Corrected reason", version: visit.Version()));
        var updated = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Corrected reason", updated.Text("reason"));
        Assert.Equal(visit.Version() + 1, updated.Version());
    }

    [Fact]
    public async Task PutVisit_StaleVersion_Returns409ProblemAndKeepsTheNewerValues()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitcontested"));
        var visit = await client.RecordVisitAsync(patient.Id(), ApiRequests.Visit("Original reason"));
        using var first = await client.PutAsJsonAsync($"/api/v1/visits/{visit.Id()}",
            ApiRequests.Visit("Winning reason", version: visit.Version()));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // Act
        using var second = await client.PutAsJsonAsync($"/api/v1/visits/{visit.Id()}",
            ApiRequests.Visit("Losing reason", version: visit.Version()));
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/v1/visits/{visit.Id()}");

        // Assert
        await second.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Winning reason", stored.Text("reason"));
    }

    [Fact]
    public async Task PutVisit_WithoutVersion_Returns400ValidationProblemForVersion()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitversionless"));
        var visit = await client.RecordVisitAsync(patient.Id(), ApiRequests.Visit());

        // Act
        using var response = await client.PutAsJsonAsync($"/api/v1/visits/{visit.Id()}", ApiRequests.Visit("Unversioned"));

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("version", problem.ErrorFields());
    }

    [Fact]
    public async Task PostVisit_VitalsOutOfRange_Returns400WithFieldErrorsAndStoresNothing()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitimplausible"));
        var body = ApiRequests.Visit();
        body["heightCm"] = 500m;
        body["temperatureC"] = 50m;
        body["heartRate"] = 5;
        body["systolic"] = 80;
        body["diastolic"] = 120;

        // Act
        using var response = await client.PostAsJsonAsync($"/api/v1/patients/{patient.Id()}/visits", body);
        var visits = await client.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patient.Id()}/visits");

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["diastolic", "heartRate", "heightCm", "temperatureC"], problem.ErrorFields());
        Assert.Equal(0, visits.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task PostVisit_InTheFuture_Returns400WithStartedAtError()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitfuture"));
        var body = ApiRequests.Visit();
        body["startedAt"] = "2999-01-01T09:00:00+00:00";

        // Act
        using var response = await client.PostAsJsonAsync($"/api/v1/patients/{patient.Id()}/visits", body);

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("startedAt", problem.ErrorFields());
    }

    [Fact]
    public async Task DeleteVisit_Existing_Returns204AndThenGetReturns404()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitdeleted"));
        var visit = await client.RecordVisitAsync(patient.Id(), ApiRequests.Visit());

        // Act
        using var delete = await client.DeleteAsync($"/api/v1/visits/{visit.Id()}");
        using var get = await client.GetAsync($"/api/v1/visits/{visit.Id()}");
        var listed = await client.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patient.Id()}/visits");

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await get.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, listed.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task GetVisit_PatientTokenOtherPatientsVisit_Returns404()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Patient);
        using var doctor = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await doctor.RegisterPatientAsync(ApiRequests.Patient("Testy", "Visitprivate"));
        var visit = await doctor.RecordVisitAsync(patient.Id(), ApiRequests.Visit());

        // Act
        using var response = await client.GetAsync($"/api/v1/visits/{visit.Id()}");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    public sealed class OnSqlite(PortalFactory fixture) : VisitEndpointsTests(fixture), IClassFixture<PortalFactory>;

    [Collection(SharedPortals.Postgres)]
    public sealed class OnPostgres(PostgresPortal fixture) : VisitEndpointsTests(fixture.Portal);
}
