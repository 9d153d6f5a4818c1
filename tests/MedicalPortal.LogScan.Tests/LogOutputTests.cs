using System.Net.Http.Json;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.LogScan.Tests;

/// <summary>
/// "Never put patient data in logs": every log line the portals of the whole test run wrote (./test.sh collects them
/// in one file, <see cref="LogCapture"/>) is searched for the seeded demo patients' names, e-mail addresses, phone
/// numbers and street addresses. This class also drives a portal of its own through searches, record views, edits and
/// refused input first, so it never passes on an empty log.
/// </summary>
public sealed class LogOutputTests
{
    [Fact]
    public async Task LogOutput_OfTheWholeRun_HoldsNoSeededPatientData()
    {
        // Arrange: exercise a portal whose logs go to the same capture.
        await ExercisePortalAsync();
        var lines = await File.ReadAllLinesAsync(LogCapture.FilePath);
        var needles = SeededPatientData();

        // Act
        var hits = lines
            .Select((line, number) => (Number: number + 1, Line: line))
            .Where(l => needles.Any(n => l.Line.Contains(n, StringComparison.OrdinalIgnoreCase)))
            .ToList();

        // Assert: report where, never what (the report itself must not carry patient data).
        Assert.True(lines.Length > 50, $"Only {lines.Length} log lines were captured in {LogCapture.FilePath}: the capture is not working.");
        Assert.True(hits.Count == 0,
            $"{hits.Count} log line(s) in {LogCapture.FilePath} hold seeded patient data, first at line(s) " +
            string.Join(", ", hits.Take(10).Select(h => $"{h.Number} ({h.Line.Split(':')[0]})")) + ".");
    }

    /// <summary>Full names, e-mail addresses, phone numbers and street addresses of the 300 demo patients.</summary>
    private static List<string> SeededPatientData()
    {
        var needles = new List<string>();
        for (var index = 0; index < DataSeeder.DemoPatientCount; index++)
        {
            var patient = DemoData.DemoPatient(DemoData.DemoFaker(index), index);
            needles.Add($"{patient.GivenName} {patient.FamilyName}");
            needles.Add(patient.Email!);
            needles.Add(patient.Phone!);
            needles.Add(patient.AddressLine!);
        }

        return needles;
    }

    private static async Task ExercisePortalAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "medicalportal-logscan", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var portal = new CapturedPortal(directory))
            {
                var client = portal.CreateClient();
                using var login = await client.PostAsJsonAsync("/api/v1/auth/login",
                    new { email = "doctor@clinic.test", password = DemoAccounts.DefaultPassword });
                var token = (await login.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["accessToken"].ToString();
                client.DefaultRequestHeaders.Authorization = new("Bearer", token);

                var demo = DemoData.DemoPatient(DemoData.DemoFaker(3), 3);
                var found = await client.GetFromJsonAsync<Page>($"/api/v1/patients?q={Uri.EscapeDataString(demo.FamilyName!)}");
                var id = found!.Items[0].GetProperty("id").GetGuid();
                await client.GetAsync($"/api/v1/patients/{id}");
                await client.GetAsync($"/api/v1/patients/{id}/visits");
                await client.PostAsJsonAsync("/api/v1/patients", new { givenName = demo.GivenName, familyName = demo.FamilyName, email = "not an e-mail", birthDate = "2999-01-01", sex = "female" });
                await client.PutAsync($"/api/v1/patients/{id}", JsonContent.Create(new { givenName = demo.GivenName, familyName = demo.FamilyName, birthDate = "1960-01-01", sex = "female", version = 99 }));
                await client.GetAsync($"/patients/{id}");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private sealed record Page(List<System.Text.Json.JsonElement> Items);

    private sealed class CapturedPortal(string directory) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Database:Catalog", $"Data Source={Path.Combine(directory, "catalog.db")}");
            builder.UseSetting("Database:Shards:0:Name", "shard-0");
            builder.UseSetting("Database:Shards:0:ConnectionString", $"Data Source={Path.Combine(directory, "shard-0.db")}");
            builder.UseSetting("Database:Shards:1:Name", "shard-1");
            builder.UseSetting("Database:Shards:1:ConnectionString", $"Data Source={Path.Combine(directory, "shard-1.db")}");
            builder.ConfigureLogging(logging => logging.AddLogCapture());
        }
    }
}
