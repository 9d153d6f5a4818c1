using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// JSON bodies and answers of the API, written the way a client writes them (DESIGN.md section 9). Every person in here
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
