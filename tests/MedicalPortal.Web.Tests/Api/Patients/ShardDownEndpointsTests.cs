using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Testing;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Api.Patients;

/// <summary>
/// The API with one shard down (its SQLite file gone): search answers with the other shard's patients and names the
/// missing shard in <c>unavailableShards</c>; a change to a patient on the down shard answers 503 problem details
/// naming it, with Retry-After, and is not stored.
/// </summary>
public sealed class ShardDownEndpointsTests : IAsyncLifetime, IDisposable
{
    private const string Down = "shard-1";

    /// <summary>The demo study of the seed (DemoData.DemoStudyId).</summary>
    private static readonly Guid DemoStudy = Guid.Parse("0198f0a0-2026-8000-8000-000000000001");
    private readonly PortalFactory _portal = new();
    private readonly string _family = "Outage" + ApiRequests.UniqueLetters();
    private HttpClient _doctor = default!;
    private readonly List<(string Shard, JsonElement Patient)> _registered = [];
    private JsonElement _onDown;
    private JsonElement _onUp;

    public async Task InitializeAsync()
    {
        _doctor = await _portal.CreateClientForAsync(DemoUsers.Doctor);
        var map = _portal.Services.GetRequiredService<IShardMap>();

        // Ids are the server's: register until each shard holds one of these patients.
        while (_registered.Select(r => r.Shard).Distinct().Count() < 2)
        {
            var patient = await _doctor.RegisterPatientAsync(ApiRequests.Patient("Testy", _family));
            _registered.Add((map.ShardForPatient(patient.Id()), patient));
        }

        _onDown = _registered.First(r => r.Shard == Down).Patient;
        _onUp = _registered.First(r => r.Shard != Down).Patient;
        SqliteOutage.TakeDown(ShardConnectionString(Down));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _doctor?.Dispose();
        _portal.Dispose();
    }

    [Fact]
    public async Task Search_OneShardDown_OtherShardsPatientsAndUnavailableShards()
    {
        // Act
        using var response = await _doctor.GetAsync($"/api/v1/patients?q={_family}");
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            _registered.Where(r => r.Shard != Down).Select(r => r.Patient.Id()).Order(),
            page.GetProperty("items").EnumerateArray().Select(p => p.Id()).Order());
        Assert.Equal([Down], page.GetProperty("unavailableShards").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Search_AllShardsUp_UnavailableShardsEmpty()
    {
        // Arrange
        SqliteOutage.BringBack(ShardConnectionString(Down));

        // Act
        using var response = await _doctor.GetAsync($"/api/v1/patients?q={_family}");
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(_registered.Count, page.GetProperty("items").GetArrayLength());
        Assert.Equal(0, page.GetProperty("unavailableShards").GetArrayLength());
    }

    [Fact]
    public async Task ChangesToAPatientOnTheDownShard_503NamingTheShardAndNothingStored()
    {
        // Act
        using var update = await _doctor.PutAsJsonAsync($"/api/v1/patients/{_onDown.Id()}",
            ApiRequests.Patient("Testy", _family, city: "Changed", version: _onDown.Version()));
        using var visit = await _doctor.PostAsJsonAsync($"/api/v1/patients/{_onDown.Id()}/visits", ApiRequests.Visit());
        using var visits = await _doctor.GetAsync($"/api/v1/patients/{_onDown.Id()}/visits");
        using var upVisit = await _doctor.PostAsJsonAsync($"/api/v1/patients/{_onUp.Id()}/visits", ApiRequests.Visit());

        // Assert
        foreach (var response in new[] { update, visit, visits })
        {
            var problem = await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal(Down, problem.Text("shard"));
            Assert.Contains("'shard-1'", problem.Text("detail"), StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        }

        Assert.Equal(HttpStatusCode.Created, upVisit.StatusCode);
        SqliteOutage.BringBack(ShardConnectionString(Down));
        using var after = await _doctor.GetAsync($"/api/v1/patients/{_onDown.Id()}/visits");
        var page = await after.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
        using var patient = await _doctor.GetAsync($"/api/v1/patients/{_onDown.Id()}");
        Assert.Equal(1, (await patient.Content.ReadFromJsonAsync<JsonElement>()).Version());
    }

    [Fact]
    public async Task ExportCsv_StudyWithParticipantsOnTheDownShard_503BeforeAnyRow()
    {
        // Arrange: the demo study has the consent of every other demo patient, on both shards.
        using var researcher = await _portal.CreateClientForAsync(DemoUsers.Researcher);

        // Act
        using var response = await researcher.GetAsync($"/api/v1/studies/{DemoStudy}/export.csv");

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(Down, problem.Text("shard"));
    }

    private string ShardConnectionString(string shard) =>
        TestDatabaseSettings.For(_portal.DataDirectory)[$"Database:Shards:{shard[^1]}:ConnectionString"]!;
}
