using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Permissions;

/// <summary>
/// One representative API call per resource and operation, aimed at a target the admin prepares just before it, so a
/// delete never starves a later case. The Patient role's targets are its own record and what hangs off it: the
/// own-record cells of the matrix must succeed there.
/// </summary>
internal sealed class MatrixProbe(HttpClient admin, Guid ownPatientId)
{
    /// <summary>Every resource of the matrix: each has endpoints the matrix governs.</summary>
    public static IReadOnlyList<Resource> ResourcesWithEndpoints { get; } =
        [Resource.Patient, Resource.Visit, Resource.MedicalStudy, Resource.Enrollment, Resource.Account, Resource.Role, Resource.AuditLog, Resource.Export];

    /// <summary>
    /// The operations a resource has at all: the audit log is append-only and an export is a reading of a study, so
    /// for both reading is all there is.
    /// </summary>
    public static IReadOnlyList<Operations> OperationsOf(Resource resource) =>
        resource is Resource.AuditLog or Resource.Export ? [Operations.Retrieve] : EachOperation;

    public static IReadOnlyList<Operations> EachOperation { get; } =
        [Operations.Create, Operations.Retrieve, Operations.Update, Operations.Delete];

    /// <summary>Every role of the table x every resource with endpoints x every operation.</summary>
    public static TheoryData<string, Resource, Operations> Cases(DesignPermissionTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var cases = new TheoryData<string, Resource, Operations>();
        foreach (var role in table.Roles)
        {
            foreach (var resource in ResourcesWithEndpoints)
            {
                foreach (var operation in OperationsOf(resource))
                {
                    cases.Add(role, resource, operation);
                }
            }
        }

        return cases;
    }

    /// <summary>Prepares a fresh target with the admin token and returns the call to make on it.</summary>
    public async Task<HttpRequestMessage> PrepareAsync(Resource resource, Operations operation, bool ownRecord) => (resource, operation) switch
    {
        (Resource.Patient, Operations.Create) => Send(HttpMethod.Post, "/api/v1/patients", ApiRequests.Patient("Testy", NewFamilyName())),
        (Resource.Patient, Operations.Retrieve) => Send(HttpMethod.Get, $"/api/v1/patients/{await PatientAsync(ownRecord)}"),
        (Resource.Patient, Operations.Update) => await PatientPhoneChangeAsync(await PatientAsync(ownRecord)),
        (Resource.Patient, Operations.Delete) => Send(HttpMethod.Delete, $"/api/v1/patients/{await PatientAsync(ownRecord)}"),

        (Resource.Visit, Operations.Create) =>
            Send(HttpMethod.Post, $"/api/v1/patients/{await PatientAsync(ownRecord)}/visits", ApiRequests.Visit()),
        (Resource.Visit, Operations.Retrieve) => Send(HttpMethod.Get, $"/api/v1/visits/{(await VisitAsync(ownRecord)).Id()}"),
        (Resource.Visit, Operations.Update) => VisitCorrection(await VisitAsync(ownRecord)),
        (Resource.Visit, Operations.Delete) => Send(HttpMethod.Delete, $"/api/v1/visits/{(await VisitAsync(ownRecord)).Id()}"),

        (Resource.MedicalStudy, Operations.Create) => Send(HttpMethod.Post, "/api/v1/studies", ApiRequests.Study()),
        (Resource.MedicalStudy, Operations.Retrieve) => Send(HttpMethod.Get, $"/api/v1/studies/{(await StudyAsync()).Id()}"),
        (Resource.MedicalStudy, Operations.Update) => StudyChange(await StudyAsync()),

        // A study nobody was enrolled in: others can only be closed.
        (Resource.MedicalStudy, Operations.Delete) => Send(HttpMethod.Delete, $"/api/v1/studies/{(await StudyAsync()).Id()}"),

        (Resource.Enrollment, Operations.Create) => Send(HttpMethod.Post, $"/api/v1/studies/{(await StudyAsync()).Id()}/enrollments",
            ApiRequests.Consent(await PatientAsync(ownRecord))),
        (Resource.Enrollment, Operations.Retrieve) => Send(HttpMethod.Get, $"/api/v1/enrollments/{(await EnrollmentAsync(ownRecord)).Id()}"),
        (Resource.Enrollment, Operations.Update) => ConsentCorrection(await EnrollmentAsync(ownRecord)),
        (Resource.Enrollment, Operations.Delete) => Send(HttpMethod.Delete, $"/api/v1/enrollments/{(await EnrollmentAsync(ownRecord)).Id()}"),

        (Resource.Account, Operations.Create) =>
            Send(HttpMethod.Post, "/api/v1/accounts", ApiRequests.StaffAccount(ApiRequests.UniqueEmail("matrix"), RoleNames.Receptionist)),
        (Resource.Account, Operations.Retrieve) => Send(HttpMethod.Get, "/api/v1/accounts"),
        (Resource.Account, Operations.Update) => Send(HttpMethod.Put,
            $"/api/v1/accounts/{(await admin.CreateStaffAccountAsync(RoleNames.Receptionist)).Text("id")}/role", new { role = RoleNames.Nurse }),
        (Resource.Account, Operations.Delete) =>
            Send(HttpMethod.Delete, $"/api/v1/accounts/{(await admin.CreateStaffAccountAsync(RoleNames.Receptionist)).Text("id")}"),

        (Resource.Role, Operations.Create) => Send(HttpMethod.Post, "/api/v1/roles", new { name = $"Matrix {ApiRequests.UniqueLetters()}" }),
        (Resource.Role, Operations.Retrieve) => Send(HttpMethod.Get, "/api/v1/roles"),
        (Resource.Role, Operations.Update) => Send(HttpMethod.Put,
            $"/api/v1/roles/{Uri.EscapeDataString(await admin.CreateRoleAsync())}/permissions/{Resource.Visit.JsonName()}",
            new { operations = Operations.Retrieve.JsonNames() }),

        // A custom role nobody holds: built-in roles and held roles cannot be deleted by anyone.
        (Resource.Role, Operations.Delete) => Send(HttpMethod.Delete, $"/api/v1/roles/{Uri.EscapeDataString(await admin.CreateRoleAsync())}"),

        (Resource.AuditLog, Operations.Retrieve) => Send(HttpMethod.Get, "/api/v1/audit?limit=1"),
        (Resource.Export, Operations.Retrieve) => Send(HttpMethod.Get, $"/api/v1/studies/{(await StudyAsync()).Id()}/export.csv"),

        _ => throw new ArgumentOutOfRangeException(nameof(resource), $"No representative call for {operation} on {resource}."),
    };

    /// <summary>The FHIR interactions, each with the resource and operation of the matrix that governs it.</summary>
    public static IReadOnlyList<(string Interaction, Resource Resource)> FhirInteractions { get; } =
    [
        ("Patient read", Resource.Patient),
        ("Encounter search", Resource.Visit),
        ("Observation search", Resource.Visit),
        ("Condition search", Resource.Visit),
        ("Consent search", Resource.Enrollment),
        ("Group export", Resource.Export),
    ];

    /// <summary>
    /// Prepares a fresh patient with a visit and a consent (or uses the caller's own record) and returns the FHIR read
    /// of <paramref name="interaction"/> on it.
    /// </summary>
    public async Task<HttpRequestMessage> PrepareFhirAsync(string interaction, bool ownRecord)
    {
        var patient = await PatientAsync(ownRecord);
        await admin.RecordVisitAsync(patient, ApiRequests.Visit());
        await admin.EnrollAsync((await StudyAsync()).Id(), patient);
        return interaction switch
        {
            "Patient read" => Send(HttpMethod.Get, $"/fhir/r4/Patient/{patient}"),
            "Group export" => BulkKickOff(Send(HttpMethod.Get, $"/fhir/r4/Group/{(await StudyAsync()).Id()}/$export")),
            _ => Send(HttpMethod.Get, $"/fhir/r4/{interaction.Split(' ')[0]}?patient=Patient/{patient}"),
        };
    }

    // The Bulk Data kick-off asks for the asynchronous answer, as the specification requires.
    private static HttpRequestMessage BulkKickOff(HttpRequestMessage request)
    {
        request.Headers.Add("Prefer", "respond-async");
        return request;
    }

    /// <summary>2xx when the matrix grants the operation, otherwise 403 with problem details: no more, no fewer.</summary>
    public static async Task AssertAnswerAsync(bool granted, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);

        // The body can be read once: a summary is made only for a failure.
        if (granted)
        {
            if (!response.IsSuccessStatusCode)
            {
                Assert.Fail($"Granted, so 2xx expected; got {(int)response.StatusCode}. {await ProblemSummaryAsync(response)}");
            }
        }
        else if (response.StatusCode != HttpStatusCode.Forbidden)
        {
            Assert.Fail($"Not granted, so 403 expected; got {(int)response.StatusCode}. {await ProblemSummaryAsync(response)}");
        }
        else
        {
            await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        }
    }

    /// <summary>Title, detail and field names of a problem; never a record's content (no patient data in test output).</summary>
    private static async Task<string> ProblemSummaryAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return "(no problem details)";
        }

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var fields = problem.TryGetProperty("errors", out _) ? $" Fields: {string.Join(", ", problem.ErrorFields())}." : "";
        string? Text(string property) => problem.TryGetProperty(property, out var value) ? value.GetString() : null;
        return $"{Text("title")} {Text("detail")}{fields}";
    }

    private static string NewFamilyName() => $"Matrix{ApiRequests.UniqueLetters()}";

    private static HttpRequestMessage Send(HttpMethod method, string path, object? body = null) =>
        new(method, path) { Content = body is null ? null : JsonContent.Create(body) };

    private async Task<Guid> PatientAsync(bool ownRecord) =>
        ownRecord ? ownPatientId : (await admin.RegisterPatientAsync(ApiRequests.Patient("Testy", NewFamilyName()))).Id();

    private async Task<JsonElement> VisitAsync(bool ownRecord) => await admin.RecordVisitAsync(await PatientAsync(ownRecord), ApiRequests.Visit());

    private Task<JsonElement> StudyAsync() => admin.CreateStudyAsync(ApiRequests.Study());

    private async Task<JsonElement> EnrollmentAsync(bool ownRecord) => await admin.EnrollAsync((await StudyAsync()).Id(), await PatientAsync(ownRecord));

    /// <summary>The patient as it is now, with the same identity fields and a new phone number.</summary>
    private async Task<HttpRequestMessage> PatientPhoneChangeAsync(Guid patientId)
    {
        var current = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patientId}");
        var phone = $"+1 555 01{RandomNumberGenerator.GetInt32(10_000, 100_000)}";
        return Send(HttpMethod.Put, $"/api/v1/patients/{patientId}", current.WithChanges(("phone", phone)));
    }

    private static HttpRequestMessage VisitCorrection(JsonElement visit) =>
        Send(HttpMethod.Put, $"/api/v1/visits/{visit.Id()}", ApiRequests.Visit("Corrected test reason", visit.Version()));

    private static HttpRequestMessage StudyChange(JsonElement study) =>
        Send(HttpMethod.Put, $"/api/v1/studies/{study.Id()}", ApiRequests.Study("Renamed synthetic study", version: study.Version()));

    private static HttpRequestMessage ConsentCorrection(JsonElement enrollment) =>
        Send(HttpMethod.Put, $"/api/v1/enrollments/{enrollment.Id()}",
            ApiRequests.Consent(consentedAt: "2025-06-02T10:00:00+00:00", version: enrollment.Version()));
}
