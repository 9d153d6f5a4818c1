using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Permissions;

/// <summary>
/// Insecure direct object references: the token of patient@clinic.test, aimed at another patient's records by id,
/// learns nothing a made-up id would not tell it, changes nothing, and search never shows it anyone else. The other
/// patient is synthetic and created per test; the own record is the demo one linked to the account.
/// </summary>
[Collection(SharedPortals.Default)]
public sealed class IdorTests(PortalFactory portal)
{
    public static TheoryData<string> ByIdRequests { get; } =
        ["GET patient", "GET visit", "GET enrollment", "GET patient's visits", "PUT patient", "DELETE enrollment", "POST enrollment"];

    [Theory]
    [MemberData(nameof(ByIdRequests))]
    public async Task RequestById_OtherPatientsRecord_AnswersExactlyLikeAnIdThatDoesNotExist(string request)
    {
        // Arrange
        using var patient = await portal.CreateClientForAsync(DemoUsers.Patient);
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var other = await OtherPatientAsync(admin);

        // Act
        using var toOther = await patient.SendAsync(other.Request(request, aimAtOther: true));
        using var toNobody = await patient.SendAsync(other.Request(request, aimAtOther: false));

        // Assert
        var otherProblem = await toOther.ReadProblemAsync(HttpStatusCode.NotFound);
        var nobodyProblem = await toNobody.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(WithoutTraceId(nobodyProblem), WithoutTraceId(otherProblem));
        await other.AssertUnchangedAsync(admin);
    }

    [Theory]
    [InlineData("family name")]
    [InlineData("given and family name")]
    [InlineData("MRN")]
    [InlineData("MRN prefix")]
    [InlineData("birth date")]
    public async Task SearchPatients_OtherPatientsNameOrMrn_NeverListsThem(string searchBy)
    {
        // Arrange
        using var patient = await portal.CreateClientForAsync(DemoUsers.Patient);
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var ownId = await OwnPatientIdAsync();
        var other = await admin.RegisterPatientAsync(ApiRequests.Patient("Idorgiven", $"Idor{ApiRequests.UniqueLetters()}", birthDate: "1961-03-17"));
        var query = searchBy switch
        {
            "family name" => other.Text("familyName"),
            "given and family name" => $"{other.Text("givenName")} {other.Text("familyName")}",
            "MRN" => other.Text("mrn"),
            "MRN prefix" => other.Text("mrn")[..^1],
            _ => other.Text("birthDate"),
        };

        // Act
        var seenByPatient = await patient.SearchPatientsAsync(query);
        var seenByAdmin = await admin.SearchPatientsAsync(query);

        // Assert: staff find the other patient with this query; the patient never does, and sees at most itself.
        Assert.Contains(seenByAdmin, p => p.Id() == other.Id());
        Assert.All(seenByPatient, p => Assert.Equal(ownId, p.Id()));
    }

    [Fact]
    public async Task SearchPatients_NoQuery_ListsOnlyOwnRecord()
    {
        // Arrange
        using var patient = await portal.CreateClientForAsync(DemoUsers.Patient);
        var ownId = await OwnPatientIdAsync();

        // Act
        var seen = await patient.SearchPatientsAsync("");

        // Assert
        Assert.Equal(ownId, Assert.Single(seen).Id());
    }

    [Fact]
    public async Task ListStudyEnrollments_PatientToken_ListsOnlyOwnEnrollment()
    {
        // Arrange: the study has the patient's own enrollment and another patient's.
        using var patient = await portal.CreateClientForAsync(DemoUsers.Patient);
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var ownId = await OwnPatientIdAsync();
        var study = await admin.CreateStudyAsync(ApiRequests.Study());
        var other = await admin.RegisterPatientAsync(ApiRequests.Patient("Idorgiven", $"Idor{ApiRequests.UniqueLetters()}"));
        await admin.EnrollAsync(study.Id(), other.Id());
        var own = await admin.EnrollAsync(study.Id(), ownId);

        // Act
        var seenByPatient = await patient.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{study.Id()}/enrollments");
        var seenByAdmin = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{study.Id()}/enrollments");

        // Assert
        Assert.Equal(2, seenByAdmin.GetProperty("items").GetArrayLength());
        var only = Assert.Single(seenByPatient.GetProperty("items").EnumerateArray());
        Assert.Equal(own.Id(), only.Id());
        Assert.Equal(ownId, only.GetProperty("patientId").GetGuid());
    }

    [Theory]
    [InlineData("givenName")]
    [InlineData("familyName")]
    [InlineData("birthDate")]
    [InlineData("sex")]
    public async Task UpdateOwnRecord_ChangedIdentityField_Returns400ForThatFieldAndKeepsTheRecord(string field)
    {
        // Arrange
        using var patient = await portal.CreateClientForAsync(DemoUsers.Patient);
        var ownId = await OwnPatientIdAsync();
        var before = await patient.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{ownId}");
        object changed = field switch
        {
            "givenName" => $"Renamed{ApiRequests.UniqueLetters()}",
            "familyName" => $"Renamed{ApiRequests.UniqueLetters()}",
            "birthDate" => DateOnly.Parse(before.Text("birthDate"), CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ => before.Text("sex") == "other" ? "unknown" : "other",
        };

        // Act
        using var response = await patient.PutAsJsonAsync($"/api/v1/patients/{ownId}",
            before.WithChanges((field, changed), ("phone", "+1 555 010 2030")));
        var after = await patient.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{ownId}");

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([field], problem.ErrorFields());
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task UpdateOwnRecord_OnlyPhoneChanged_Returns200WithTheNewPhone()
    {
        // Arrange
        using var patient = await portal.CreateClientForAsync(DemoUsers.Patient);
        var ownId = await OwnPatientIdAsync();
        var before = await patient.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{ownId}");
        var phone = before.GetProperty("phone").GetString() == "+1 555 010 7788" ? "+1 555 010 7799" : "+1 555 010 7788";

        // Act
        using var response = await patient.PutAsJsonAsync($"/api/v1/patients/{ownId}", before.WithChanges(("phone", phone)));
        var updated = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(phone, updated.Text("phone"));
        Assert.Equal(before.Version() + 1, updated.Version());
        Assert.Equal(before.Text("givenName"), updated.Text("givenName"));
        Assert.Equal(before.Text("birthDate"), updated.Text("birthDate"));
    }

    /// <summary>The record linked to patient@clinic.test, from the account store: not through the search under test.</summary>
    private async Task<Guid> OwnPatientIdAsync() =>
        await portal.LinkedPatientIdAsync(DemoUsers.Patient) ?? throw new InvalidOperationException("patient@clinic.test has no linked record.");

    private static async Task<OtherPatient> OtherPatientAsync(HttpClient admin)
    {
        var patient = await admin.RegisterPatientAsync(ApiRequests.Patient("Idorgiven", $"Idor{ApiRequests.UniqueLetters()}"));
        var visit = await admin.RecordVisitAsync(patient.Id(), ApiRequests.Visit());
        var enrollment = await admin.EnrollAsync((await admin.CreateStudyAsync(ApiRequests.Study())).Id(), patient.Id());
        var emptyStudy = await admin.CreateStudyAsync(ApiRequests.Study());
        return new OtherPatient(patient, visit, enrollment, emptyStudy.Id());
    }

    /// <summary>The problem as JSON text per property, minus the trace id that differs on every request.</summary>
    private static Dictionary<string, string> WithoutTraceId(JsonElement problem) =>
        problem.EnumerateObject().Where(p => p.Name != "traceId").ToDictionary(p => p.Name, p => p.Value.GetRawText(), StringComparer.Ordinal);

    /// <summary>Another patient's record, visit and enrollment, and a recruiting study they are not enrolled in.</summary>
    private sealed record OtherPatient(JsonElement Patient, JsonElement Visit, JsonElement Enrollment, Guid EmptyStudyId)
    {
        /// <summary>The request at the other patient's record, or the same request at an id that does not exist.</summary>
        public HttpRequestMessage Request(string request, bool aimAtOther)
        {
            Guid Pick(JsonElement record) => aimAtOther ? record.Id() : Guid.NewGuid();
            return request switch
            {
                "GET patient" => new(HttpMethod.Get, $"/api/v1/patients/{Pick(Patient)}"),
                "GET visit" => new(HttpMethod.Get, $"/api/v1/visits/{Pick(Visit)}"),
                "GET enrollment" => new(HttpMethod.Get, $"/api/v1/enrollments/{Pick(Enrollment)}"),
                "GET patient's visits" => new(HttpMethod.Get, $"/api/v1/patients/{Pick(Patient)}/visits"),
                "PUT patient" => new(HttpMethod.Put, $"/api/v1/patients/{Pick(Patient)}")
                {
                    Content = JsonContent.Create(Patient.WithChanges(("phone", "+1 555 010 4444"))),
                },
                "DELETE enrollment" => new(HttpMethod.Delete, $"/api/v1/enrollments/{Pick(Enrollment)}"),
                "POST enrollment" => new(HttpMethod.Post, $"/api/v1/studies/{EmptyStudyId}/enrollments")
                {
                    Content = JsonContent.Create(ApiRequests.Consent(Pick(Patient))),
                },
                _ => throw new ArgumentOutOfRangeException(nameof(request), request, "Unknown request."),
            };
        }

        /// <summary>The other patient's record and enrollment are as they were, and no enrollment was added.</summary>
        public async Task AssertUnchangedAsync(HttpClient admin)
        {
            var patient = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{Patient.Id()}");
            var enrollment = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/enrollments/{Enrollment.Id()}");
            var added = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{EmptyStudyId}/enrollments");
            Assert.Equal(Patient.GetRawText(), patient.GetRawText());
            Assert.Equal(Enrollment.GetRawText(), enrollment.GetRawText());
            Assert.Equal(0, added.GetProperty("items").GetArrayLength());
        }
    }
}
