using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E.Deployment;

/// <summary>
/// Two nodes behind nginx, as deploy/local/up.sh starts them, in real Chromium: a clinician works through the balancer
/// on one node; a change made through one node is seen at once through the other; a FHIR Bulk Data export started on one
/// node is polled, fetched and deleted through the other; when the node holding the clinician's circuit stops, the page
/// comes back on the other node, still signed in, with the visit there.
/// </summary>
public sealed class LocalTopologyTests(LocalTopology topology) : IClassFixture<LocalTopology>, IAsyncLifetime
{
    private Chromium _chromium = default!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    [Fact]
    public async Task ThroughNginx_AChangeOrABulkExportOnOneNodeIsSeenOnTheOther_AndWhenTheClinicianNodeStopsThePageComesBackOnTheOtherSignedIn()
    {
        var reason = "Checkup " + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(8));
        var doctor = await _chromium.NewPageAsync(topology.Url);
        try
        {
            // Signed in through nginx; a patient found and a visit recorded.
            await new LoginPage(doctor).SignInAsync("doctor@clinic.test");
            var list = new PatientListPage(doctor);
            await list.GotoAsync();
            await list.Rows.First.ClickAsync();
            await Expect(doctor).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/patients/[0-9a-f-]{36}$"));
            var patientId = Guid.Parse(doctor.Url.Split('/')[^1]);
            var record = new PatientPage(doctor);
            await record.RecordVisitAsync(reason, "128", "82", "I10");
            await Expect(record.VisitRows.Filter(new() { HasText = reason })).ToHaveCountAsync(1);

            // The browser keeps to one node: the page again comes from the same one.
            var first = await doctor.ReloadAsync();
            var again = await doctor.ReloadAsync();
            var holder = topology.NodeAt(first!.Headers["x-upstream"]);
            Assert.Equal(holder, topology.NodeAt(again!.Headers["x-upstream"]));
            var other = 3 - holder;

            // A change through one node, read at once through the other (one token for both: shared keys).
            await AssertChangeOnOneNodeIsSeenOnTheOtherAsync(patientId, holder, other);

            // A study's Bulk Data export started on one node, answered by the other (its state and files on the share).
            await AssertBulkExportOnOneNodeIsServedByTheOtherAsync(holder, other);

            // The node that holds the circuit stops; the page comes back from the other node, signed in, the visit there.
            await doctor.CaptureAsync("topology-01-before-stop");
            var cameBack = doctor.WaitForResponseAsync(
                response => response.Url.EndsWith($"/patients/{patientId}", StringComparison.Ordinal) && response.Request.ResourceType == "document",
                new() { Timeout = 90_000 });
            await topology.StopNodeAsync(holder);
            var response = await cameBack;

            Assert.Equal(other, topology.NodeAt(response.Headers["x-upstream"]));
            await Expect(new AppBar(doctor).SignedInAs).ToContainTextAsync("Dr. Maya Chen");
            await Expect(record.VisitRows.Filter(new() { HasText = reason })).ToHaveCountAsync(1);
            await doctor.CaptureAsync("topology-02-on-the-other-node");
        }
        catch
        {
            await doctor.CaptureAsync("topology-failure");
            throw;
        }
        finally
        {
            await doctor.Context.CloseAsync();
        }
    }

    private async Task AssertChangeOnOneNodeIsSeenOnTheOtherAsync(Guid patientId, int writer, int reader)
    {
        using var a = new HttpClient { BaseAddress = new Uri(topology.NodeUrl(writer)) };
        using var b = new HttpClient { BaseAddress = new Uri(topology.NodeUrl(reader)) };
        using var login = await a.PostAsJsonAsync("/api/v1/auth/login", new { email = "doctor@clinic.test", password = LoginPage.DemoPassword });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        a.DefaultRequestHeaders.Authorization = b.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // The reader has the record cached; the writer changes it.
        var before = (await b.GetFromJsonAsync<JsonNode>($"/api/v1/patients/{patientId}"))!;
        var phone = $"555 010 {Random.Shared.Next(1000, 9999)}";
        before["phone"] = phone;
        using var put = await a.PutAsJsonAsync($"/api/v1/patients/{patientId}", before);
        put.EnsureSuccessStatusCode();

        var after = (await b.GetFromJsonAsync<JsonNode>($"/api/v1/patients/{patientId}"))!;
        Assert.Equal(phone, after["phone"]!.GetValue<string>());
        Assert.Equal(before["version"]!.GetValue<int>() + 1, after["version"]!.GetValue<int>());
    }

    private async Task AssertBulkExportOnOneNodeIsServedByTheOtherAsync(int starter, int server)
    {
        using var a = new HttpClient { BaseAddress = new Uri(topology.NodeUrl(starter)) };
        using var b = new HttpClient { BaseAddress = new Uri(topology.NodeUrl(server)) };
        using var login = await a.PostAsJsonAsync("/api/v1/auth/login", new { email = "researcher@clinic.test", password = LoginPage.DemoPassword });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        a.DefaultRequestHeaders.Authorization = b.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var kickOff = new HttpRequestMessage(HttpMethod.Get, "/fhir/r4/Group/0198f0a0-2026-8000-8000-000000000001/$export?_type=Patient,Encounter");
        kickOff.Headers.Add("Prefer", "respond-async");
        using var started = await a.SendAsync(kickOff);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        var status = started.Content.Headers.ContentLocation!.PathAndQuery;

        // Polled on the other node until the manifest.
        JsonElement manifest = default;
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var polled = await b.GetAsync(status);
            if (polled.StatusCode == System.Net.HttpStatusCode.OK)
            {
                manifest = await polled.Content.ReadFromJsonAsync<JsonElement>();
                break;
            }

            Assert.Equal(System.Net.HttpStatusCode.Accepted, polled.StatusCode);
            await Task.Delay(100);
        }

        Assert.Equal(JsonValueKind.Object, manifest.ValueKind);
        var outputs = manifest.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(["Patient", "Encounter"], outputs.Select(o => o.GetProperty("type").GetString()));
        foreach (var output in outputs)
        {
            using var file = await b.GetAsync(new Uri(output.GetProperty("url").GetString()!).PathAndQuery);
            Assert.Equal(System.Net.HttpStatusCode.OK, file.StatusCode);
            var lines = (await file.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(output.GetProperty("count").GetInt32(), lines.Length);
        }

        // Deleted through the other node: gone on the first at once.
        using var deleted = await b.DeleteAsync(status);
        using var after = await a.GetAsync(status);
        Assert.Equal((System.Net.HttpStatusCode.Accepted, System.Net.HttpStatusCode.NotFound), (deleted.StatusCode, after.StatusCode));
    }
}
