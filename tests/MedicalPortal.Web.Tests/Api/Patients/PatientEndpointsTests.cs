using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Api.Patients;

/// <summary>
/// <c>/api/v1/patients</c> over HTTP against a real installation (catalog and two shards), on SQLite files and on
/// PostgreSQL. Each test registers the patients it needs under names no other test uses, so the tests share one portal.
/// </summary>
public abstract partial class PatientEndpointsTests(PortalFactory portal)
{
    private static readonly string[] _patientProperties =
    [
        "id", "mrn", "givenName", "familyName", "birthDate", "sex", "phone", "email", "addressLine", "city", "state",
        "postalCode", "version",
    ];

    [Fact]
    public async Task Post_WithoutMrn_Returns201WithLocationAndServerAssignedMrn()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/patients", ApiRequests.Patient("Testy", "Mrnless"));
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/patients/{created.Id()}", response.Headers.Location?.OriginalString);
        Assert.Matches(ServerMrn(), created.Text("mrn"));
        Assert.Equal(1, created.Version());
    }

    [Fact]
    public async Task Get_CreatedPatient_ReturnsWhatPostReturned()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        using var post = await client.PostAsJsonAsync("/api/v1/patients",
            ApiRequests.Patient("Testy", "Roundtrip", email: "roundtrip@example.test", city: "Testville"));
        var created = await post.Content.ReadFromJsonAsync<JsonElement>();

        // Act
        using var get = await client.GetAsync(post.Headers.Location);
        var fetched = await get.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(created.GetRawText(), fetched.GetRawText());
    }

    [Fact]
    public async Task Post_ValidPatient_AnswersCamelCaseJsonWithLowerCaseSexAndIsoDate()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        var created = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Casing", birthDate: "1975-04-09", sex: "female"));

        // Assert
        Assert.Equal(_patientProperties, created.EnumerateObject().Select(p => p.Name));
        Assert.Equal("female", created.Text("sex"));
        Assert.Equal("1975-04-09", created.Text("birthDate"));
        Assert.Equal("Testy", created.Text("givenName"));
        Assert.Equal(JsonValueKind.Null, created.GetProperty("phone").ValueKind);
    }

    [Fact]
    public async Task Post_EmptyNamesFutureBirthDateAndBadEmail_Returns400ValidationProblemNamingEachField()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var body = ApiRequests.Patient(given: "", family: " ", birthDate: "2999-01-01", email: "not-an-email");

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/patients", body);

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["birthDate", "email", "familyName", "givenName"], problem.ErrorFields());
        Assert.All(problem.GetProperty("errors").EnumerateObject(), e => Assert.NotEqual(0, e.Value.GetArrayLength()));
    }

    [Fact]
    public async Task Post_InvalidPatient_StoresNothing()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var body = ApiRequests.Patient("Testy", "Neverstored", birthDate: "2999-01-01", email: "not-an-email");

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/patients", body);
        var search = await client.SearchPatientsAsync("Neverstored");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(search);
    }

    [Fact]
    public async Task Get_UnknownId_Returns404Problem()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        using var response = await client.GetAsync($"/api/v1/patients/{Guid.NewGuid()}");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Put_CurrentVersion_Returns200WithTheChangeAndTheNextVersion()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Nurse);
        using var doctor = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var created = await doctor.RegisterPatientAsync(ApiRequests.Patient("Testy", "Updatable", city: "Oldtown"));

        // Act
        using var response = await client.PutAsJsonAsync($"/api/v1/patients/{created.Id()}",
            ApiRequests.Patient("Testy", "Updatable", city: "Newtown", version: created.Version()));
        var updated = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Newtown", updated.Text("city"));
        Assert.Equal(created.Version() + 1, updated.Version());
        Assert.Equal(created.Text("mrn"), updated.Text("mrn"));
    }

    [Fact]
    public async Task Put_StaleVersion_Returns409ProblemAndKeepsTheNewerValues()
    {
        // Arrange: two clients read version 1; the first one saves.
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var created = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Contested", city: "Firstville"));
        using var first = await client.PutAsJsonAsync($"/api/v1/patients/{created.Id()}",
            ApiRequests.Patient("Testy", "Contested", city: "Secondville", version: created.Version()));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // Act: the second one saves on top of the version it read.
        using var second = await client.PutAsJsonAsync($"/api/v1/patients/{created.Id()}",
            ApiRequests.Patient("Testy", "Contested", city: "Thirdville", version: created.Version()));
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{created.Id()}");

        // Assert
        await second.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Secondville", stored.Text("city"));
        Assert.Equal(created.Version() + 1, stored.Version());
    }

    [Fact]
    public async Task Put_WithoutVersion_Returns400ValidationProblemForVersion()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var created = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Versionless", city: "Keepville"));

        // Act
        using var response = await client.PutAsJsonAsync($"/api/v1/patients/{created.Id()}",
            ApiRequests.Patient("Testy", "Versionless", city: "Lostville"));
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{created.Id()}");

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("version", problem.ErrorFields());
        Assert.Equal("Keepville", stored.Text("city"));
    }

    [Fact]
    public async Task Delete_ExistingPatient_Returns204AndThenGetReturns404()
    {
        // Arrange: the admin role may delete patients (the doctor's may not).
        using var client = await portal.CreateClientForAsync(DemoUsers.Admin);
        var created = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Deletable"));

        // Act
        using var delete = await client.DeleteAsync($"/api/v1/patients/{created.Id()}");
        using var get = await client.GetAsync($"/api/v1/patients/{created.Id()}");

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await get.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_DoctorToken_Returns403ProblemAndKeepsThePatient()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var created = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Undeletable"));

        // Act
        using var delete = await client.DeleteAsync($"/api/v1/patients/{created.Id()}");
        using var get = await client.GetAsync($"/api/v1/patients/{created.Id()}");

        // Assert
        await delete.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task Delete_StaleVersion_Returns409ProblemAndKeepsThePatient()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Admin);
        var created = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Staledelete", city: "Oldtown"));
        using var update = await client.PutAsJsonAsync($"/api/v1/patients/{created.Id()}",
            ApiRequests.Patient("Testy", "Staledelete", city: "Newtown", version: created.Version()));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        // Act
        using var delete = await client.DeleteAsync($"/api/v1/patients/{created.Id()}?version={created.Version()}");
        using var get = await client.GetAsync($"/api/v1/patients/{created.Id()}");

        // Assert
        await delete.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task Delete_PatientWithVisits_RemovesTheVisitsToo()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Admin);
        var created = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Cascade"));
        var visit = await client.RecordVisitAsync(created.Id(), ApiRequests.Visit());

        // Act
        using var delete = await client.DeleteAsync($"/api/v1/patients/{created.Id()}");
        using var getVisit = await client.GetAsync($"/api/v1/visits/{visit.Id()}");

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await getVisit.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Post_ClientMrnAlreadyTaken_Returns400ValidationProblemForMrn()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Receptionist);
        var body = ApiRequests.Patient("Testy", "Mrnowner");
        body["mrn"] = "WT-2001";
        await client.RegisterPatientAsync(body);
        var duplicate = ApiRequests.Patient("Testy", "Mrncopier");
        duplicate["mrn"] = "wt-2001";

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/patients", duplicate);
        var search = await client.SearchPatientsAsync("Mrncopier");

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("mrn", problem.ErrorFields());
        Assert.Empty(search);
    }

    [Fact]
    public async Task Put_DifferentMrn_Returns400ValidationProblemForMrn()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var created = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Mrnfixed"));
        var body = ApiRequests.Patient("Testy", "Mrnfixed", version: created.Version());
        body["mrn"] = "OTHER-1";

        // Act
        using var response = await client.PutAsJsonAsync($"/api/v1/patients/{created.Id()}", body);
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{created.Id()}");

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("mrn", problem.ErrorFields());
        Assert.Equal(created.Text("mrn"), stored.Text("mrn"));
        Assert.Equal(created.Version(), stored.Version());
    }

    [Fact]
    public async Task Post_NurseToken_Returns403ProblemAndStoresNothing()
    {
        // Arrange: the Nurse role may view and change patients, not register them.
        using var client = await portal.CreateClientForAsync(DemoUsers.Nurse);

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/patients", ApiRequests.Patient("Testy", "Nurseregistered"));
        var search = await client.SearchPatientsAsync("Nurseregistered");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Empty(search);
    }

    [Fact]
    public async Task Search_ByMrnOrBirthDate_FindsThePatient()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var created = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Findable", birthDate: "1931-07-19"));

        // Act
        var byMrn = await client.GetFromJsonAsync<JsonElement>($"/api/v1/patients?q={created.Text("mrn")}");
        var byBirthDate = await client.GetFromJsonAsync<JsonElement>("/api/v1/patients?q=findable%201931-07-19");

        // Assert
        Assert.Equal(created.Id(), Assert.Single(byMrn.GetProperty("items").EnumerateArray()).Id());
        Assert.Equal(created.Id(), Assert.Single(byBirthDate.GetProperty("items").EnumerateArray()).Id());
    }

    [Fact]
    public async Task Search_FollowingNextCursor_ReturnsEveryMatchOnceInNameOrderFromBothShards()
    {
        // Arrange: 20 patients registered out of order, under family names only this test uses.
        using var client = await portal.CreateClientForAsync(DemoUsers.Receptionist);
        string[] families = ["Zyxpaged", "Zyxpageb", "Zyxpagec", "Zyxpagea"];
        string[] givens = ["Eve", "Ann", "Dee", "Bea", "Cy"];
        var registered = new List<JsonElement>();
        foreach (var family in families)
        {
            foreach (var given in givens)
            {
                registered.Add(await client.RegisterPatientAsync(ApiRequests.Patient(given, family)));
            }
        }

        // Act
        var pages = new List<JsonElement[]>();
        string? cursor = null;
        do
        {
            var url = "/api/v1/patients?q=zyxpage&limit=5" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await client.GetFromJsonAsync<JsonElement>(url);
            pages.Add([.. page.GetProperty("items").EnumerateArray()]);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && pages.Count <= 10);

        // Assert
        var found = pages.SelectMany(page => page).ToList();
        var expectedOrder = registered
            .OrderBy(p => p.Text("familyName"), StringComparer.Ordinal)
            .ThenBy(p => p.Text("givenName"), StringComparer.Ordinal)
            .Select(p => p.Id());
        Assert.Equal(expectedOrder, found.Select(p => p.Id()));
        Assert.Equal(found.Count, found.Select(p => p.Id()).Distinct().Count());
        Assert.All(pages, page => Assert.InRange(page.Length, 1, 5));
        Assert.Equal(4, pages.Count);
        var shards = portal.Services.GetRequiredService<IShardMap>();
        Assert.Equal(2, found.Select(p => shards.ShardForPatient(p.Id())).Distinct().Count());
    }

    [Fact]
    public async Task Search_LimitAbove200_Returns400ValidationProblemForLimit()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        using var response = await client.GetAsync("/api/v1/patients?limit=201");

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("limit", problem.ErrorFields());
    }

    [Fact]
    public async Task Search_Limit200_Returns200WithAtMost200Items()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        using var response = await client.GetAsync("/api/v1/patients?limit=200");
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert: the demo data alone holds more than 200 patients.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(200, page.GetProperty("items").GetArrayLength());
        Assert.NotNull(page.GetProperty("nextCursor").GetString());
    }

    [Fact]
    public async Task Search_ResearcherToken_Returns403Problem()
    {
        // Arrange: the Researcher role has no rights on Patient records.
        using var client = await portal.CreateClientForAsync(DemoUsers.Researcher);

        // Act
        using var response = await client.GetAsync("/api/v1/patients");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Search_PatientToken_ReturnsOnlyTheLinkedRecord()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Patient);

        // Act
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/patients");

        // Assert
        var only = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(DemoUsers.Patient, only.Text("email"));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Get_PatientTokenOwnRecord_Returns200()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Patient);
        var own = await OwnRecordAsync(client);

        // Act
        using var response = await client.GetAsync($"/api/v1/patients/{own.Id()}");
        var fetched = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(own.GetRawText(), fetched.GetRawText());
    }

    [Fact]
    public async Task Get_PatientTokenAnotherPatient_Returns404LikeARandomId()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Patient);
        using var doctor = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var own = await OwnRecordAsync(client);
        var someone = await doctor.GetFromJsonAsync<JsonElement>("/api/v1/patients?limit=2");
        var otherId = someone.GetProperty("items").EnumerateArray().Select(p => p.Id()).First(id => id != own.Id());

        // Act
        using var other = await client.GetAsync($"/api/v1/patients/{otherId}");
        using var random = await client.GetAsync($"/api/v1/patients/{Guid.NewGuid()}");

        // Assert: nothing tells the caller that the other record exists.
        var otherProblem = await other.ReadProblemAsync(HttpStatusCode.NotFound);
        var randomProblem = await random.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(randomProblem.Text("title"), otherProblem.Text("title"));
        Assert.Equal(randomProblem.Text("detail"), otherProblem.Text("detail"));
    }

    [Fact]
    public async Task Put_PatientTokenAnotherPatient_Returns404AndChangesNothing()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Patient);
        using var doctor = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var other = await doctor.RegisterPatientAsync(ApiRequests.Patient("Testy", "Otherperson", city: "Homeville"));

        // Act
        using var response = await client.PutAsJsonAsync($"/api/v1/patients/{other.Id()}",
            ApiRequests.Patient("Testy", "Otherperson", city: "Elsewhere", version: other.Version()));
        var stored = await doctor.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{other.Id()}");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("Homeville", stored.Text("city"));
    }

    private static async Task<JsonElement> OwnRecordAsync(HttpClient patientClient)
    {
        var page = await patientClient.GetFromJsonAsync<JsonElement>("/api/v1/patients");
        return Assert.Single(page.GetProperty("items").EnumerateArray());
    }

    [GeneratedRegex("^M[0-9]{10}$")]
    private static partial Regex ServerMrn();

    public sealed class OnSqlite(PortalFactory fixture) : PatientEndpointsTests(fixture), IClassFixture<PortalFactory>;

    [Collection(SharedPortals.Postgres)]
    public sealed class OnPostgres(PostgresPortal fixture) : PatientEndpointsTests(fixture.Portal);
}
