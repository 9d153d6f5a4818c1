using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// JSON bodies and answers of the API, written the way a client writes them (ARCHITECTURE.md section 12). Every person in here
/// is synthetic: fake names, reserved <c>.test</c> e-mail domains.
/// </summary>
internal static class ApiRequests
{
    /// <summary>A valid patient body. Keys whose value is null are left out, as a client that omits them would.</summary>
    public static Dictionary<string, object?> Patient(
        string given = "Testy",
        string family = "Example",
        string? birthDate = "1980-01-02",
        string? sex = "female",
        string? email = null,
        string? city = null,
        int? version = null)
    {
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["givenName"] = given,
            ["familyName"] = family,
            ["birthDate"] = birthDate,
            ["sex"] = sex,
            ["email"] = email,
            ["city"] = city,
            ["version"] = version,
        };
        foreach (var key in body.Where(e => e.Value is null).Select(e => e.Key).ToList())
        {
            body.Remove(key);
        }

        return body;
    }

    /// <summary>A valid visit body: a follow-up in the past with vitals a human body can have.</summary>
    public static Dictionary<string, object?> Visit(string reason = "Test follow-up", int? version = null)
    {
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["startedAt"] = "2025-03-04T09:30:00+00:00",
            ["type"] = "follow-up",
            ["clinician"] = "Dr. Test Clinician",
            ["reason"] = reason,
            ["heightCm"] = 172.5m,
            ["weightKg"] = 70.25m,
            ["systolic"] = 120,
            ["diastolic"] = 80,
            ["heartRate"] = 64,
            ["temperatureC"] = 36.8m,
            ["diagnosisCodes"] = new[] { "I10" },
            ["notes"] = "Synthetic test visit.",
        };
        if (version is not null)
        {
            body["version"] = version;
        }

        return body;
    }

    /// <summary>The password of the staff accounts tests open (synthetic, long enough for the rules).</summary>
    public const string StaffPassword = "Synthetic-Staff-Pass-2026";

    /// <summary>A consent date safely in the past, whatever clock the portal runs on.</summary>
    public const string PastConsent = "2025-06-01T10:00:00+00:00";

    /// <summary>
    /// Ten random lowercase letters: a name part, an e-mail or a role name no other test uses. Letters only, because
    /// names may not contain digits and a digit in a search term is read as an MRN.
    /// </summary>
    public static string UniqueLetters() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", 10);

    /// <summary>An e-mail address on a reserved test domain that no other test uses.</summary>
    public static string UniqueEmail(string prefix) => $"{prefix}.{UniqueLetters()}@example.test";

    /// <summary>A valid study body, recruiting by default so it takes enrollments.</summary>
    public static Dictionary<string, object?> Study(string title = "Synthetic test study", string status = "recruiting", int? version = null)
    {
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["title"] = title,
            ["description"] = "A study that exists only in tests.",
            ["principalInvestigator"] = "Dr. Test Investigator",
            ["status"] = status,
            ["startDate"] = "2025-01-01",
        };
        if (version is not null)
        {
            body["version"] = version;
        }

        return body;
    }

    /// <summary>An enrollment body: POST <c>{ patientId, consentedAt }</c>, PUT <c>{ consentedAt, version }</c>.</summary>
    public static Dictionary<string, object?> Consent(Guid? patientId = null, string consentedAt = PastConsent, int? version = null)
    {
        var body = new Dictionary<string, object?>(StringComparer.Ordinal) { ["consentedAt"] = consentedAt };
        if (patientId is not null)
        {
            body["patientId"] = patientId;
        }

        if (version is not null)
        {
            body["version"] = version;
        }

        return body;
    }

    /// <summary>A staff account body <c>{ email, displayName, role, password }</c>.</summary>
    public static Dictionary<string, object?> StaffAccount(string email, string role, string password = StaffPassword) => new(StringComparer.Ordinal)
    {
        ["email"] = email,
        ["displayName"] = "Testy Staffmember",
        ["role"] = role,
        ["password"] = password,
    };

    /// <summary>A self-registration body <c>{ email, password, givenName, familyName, birthDate, sex }</c>.</summary>
    public static Dictionary<string, object?> Registration(string email, string familyName, string password = "Synthetic-Patient-Pass-2026") =>
        new(StringComparer.Ordinal)
        {
            ["email"] = email,
            ["password"] = password,
            ["givenName"] = "Selfreg",
            ["familyName"] = familyName,
            ["birthDate"] = "1990-02-03",
            ["sex"] = "other",
        };

    /// <summary>The record as a body to send back: every property it has, with <paramref name="changes"/> applied.</summary>
    public static Dictionary<string, object?> WithChanges(this JsonElement record, params (string Property, object? Value)[] changes)
    {
        var body = record.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
        foreach (var (property, value) in changes)
        {
            body[property] = value;
        }

        return body;
    }

    /// <summary>How the API names a resource in a path and in role permissions: <c>medical-study</c>.</summary>
    public static string JsonName(this Resource resource) => JsonNamingPolicy.KebabCaseLower.ConvertName(resource.ToString());

    /// <summary>Operations as the API lists them: <c>["create", "retrieve"]</c>, in C, R, U, D order.</summary>
    public static IReadOnlyList<string> JsonNames(this Operations operations) =>
        [.. new[] { Operations.Create, Operations.Retrieve, Operations.Update, Operations.Delete }
            .Where(o => operations.HasFlag(o))
            .Select(o => JsonNamingPolicy.KebabCaseLower.ConvertName(o.ToString()))];

    /// <summary>Creates a study and returns it.</summary>
    public static async Task<JsonElement> CreateStudyAsync(this HttpClient client, Dictionary<string, object?> body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/studies", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Records the patient's consent to the study and returns the enrollment.</summary>
    public static async Task<JsonElement> EnrollAsync(this HttpClient client, Guid studyId, Guid patientId)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/studies/{studyId}/enrollments", Consent(patientId));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Opens a staff account with <see cref="StaffPassword"/> and returns it (<c>id</c>, <c>email</c>, ...).</summary>
    public static async Task<JsonElement> CreateStaffAccountAsync(this HttpClient client, string role)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", StaffAccount(UniqueEmail("staff"), role));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Creates a role with no rights under a name no other test uses, and returns the name.</summary>
    public static async Task<string> CreateRoleAsync(this HttpClient client)
    {
        var name = $"Custom {UniqueLetters()}";
        using var response = await client.PostAsJsonAsync("/api/v1/roles", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    /// <summary>Sets one cell of the matrix through <c>PUT /api/v1/roles/{name}/permissions/{resource}</c>.</summary>
    public static Task<HttpResponseMessage> PutPermissionsAsync(this HttpClient client, string role, Resource resource, Operations operations) =>
        client.PutAsJsonAsync($"/api/v1/roles/{Uri.EscapeDataString(role)}/permissions/{resource.JsonName()}", new { operations = operations.JsonNames() });

    /// <summary>The account listed by <c>GET /api/v1/accounts</c> under that e-mail, or null.</summary>
    public static async Task<JsonElement?> FindStaffAccountAsync(this HttpClient client, string email)
    {
        ArgumentNullException.ThrowIfNull(client);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/accounts");
        return list.GetProperty("items").EnumerateArray()
            .Select(a => (JsonElement?)a)
            .FirstOrDefault(a => string.Equals(a!.Value.Text("email"), email, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Registers a patient and returns the created record.</summary>
    public static async Task<JsonElement> RegisterPatientAsync(this HttpClient client, Dictionary<string, object?> body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/patients", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Records a visit for the patient and returns the created visit.</summary>
    public static async Task<JsonElement> RecordVisitAsync(this HttpClient client, Guid patientId, Dictionary<string, object?> body)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/patients/{patientId}/visits", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Asserts the status and that the body is problem details (RFC 9457) with that status.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>The fields a validation problem names, in ordinal order.</summary>
    public static IReadOnlyList<string> ErrorFields(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>The first page (up to 200) of <c>GET /api/v1/patients?q=</c>.</summary>
    public static async Task<IReadOnlyList<JsonElement>> SearchPatientsAsync(this HttpClient client, string query)
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/patients?limit=200&q={Uri.EscapeDataString(query)}");
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    public static Guid Id(this JsonElement record) => record.GetProperty("id").GetGuid();

    public static int Version(this JsonElement record) => record.GetProperty("version").GetInt32();

    public static string Text(this JsonElement record, string property) =>
        record.GetProperty(property).GetString() ?? throw new InvalidOperationException($"{property} is null.");
}
