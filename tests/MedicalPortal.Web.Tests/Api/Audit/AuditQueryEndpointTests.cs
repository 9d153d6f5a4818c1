using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Audit;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Api.Audit;

/// <summary>
/// <c>GET /api/v1/audit</c> is itself in the audit trail (who queried it, with which filters, which patients it
/// showed), and <c>GET /api/v1/audit/integrity</c> tells each chain's newest checkpoint. On a portal of its own where
/// administrators need no second factor, so the tests can use the demo administrator's token.
/// </summary>
public sealed class AuditQueryEndpointTests(AuditQueryEndpointTests.AdminsWithPasswordsOnly fixture) : IClassFixture<AuditQueryEndpointTests.AdminsWithPasswordsOnly>
{
    private PortalFactory Portal => fixture.Portal;

    [Fact]
    public async Task Query_NamingNobody_IsRecordedAsAReadOfTheAuditLogWithItsFiltersInTheCatalog()
    {
        // Arrange
        using var admin = await Portal.CreateClientForAsync(DemoUsers.Admin);

        // Act
        using var asked = await admin.GetAsync("/api/v1/audit?actor=Nobodyatall&resource=Visit");

        // Assert: the query is found by the next one, in the catalog's chain.
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var recorded = await EntriesAsync(admin, "/api/v1/audit?resource=AuditLog&action=Read&actor=admin%40clinic.test&limit=200");
        var entry = Assert.Single(recorded, e => e.GetProperty("changes").EnumerateArray().Any(c => c.GetProperty("new").GetString() == "Nobodyatall"));
        Assert.Equal("catalog", entry.GetProperty("database").GetString());
        Assert.Equal(
            [("actor", "Nobodyatall"), ("resource", "Visit")],
            entry.GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("property").GetString(), c.GetProperty("new").GetString())));
        Assert.Empty(entry.GetProperty("patientIds").EnumerateArray());
    }

    [Fact]
    public async Task Query_ShowingAPatientsHistory_IsRecordedInThePatientsHistory()
    {
        // Arrange: a patient, and the admin looking at its history.
        using var admin = await Portal.CreateClientForAsync(DemoUsers.Admin);
        using var created = await admin.PostAsJsonAsync("/api/v1/patients", ApiRequests.Patient("Testy", "Historyshown"));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).Text("id");

        // Act
        using var asked = await admin.GetAsync($"/api/v1/audit?patientId={id}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var entry = Assert.Single(await EntriesAsync(admin, $"/api/v1/audit?patientId={id}&resource=AuditLog"));
        Assert.Equal(
            ("read", DemoUsers.Admin, id),
            (entry.GetProperty("action").GetString(), entry.GetProperty("actorName").GetString(), entry.GetProperty("patientId").GetString()));
    }

    [Fact]
    public async Task Integrity_AfterACheckpoint_NamesEachChainsNewestCheckpoint()
    {
        // Arrange
        using var admin = await Portal.CreateClientForAsync(DemoUsers.Admin);
        var verified = await Portal.Services.GetRequiredService<IAuditStore>().VerifyAsync(CancellationToken.None);
        var written = await Portal.Services.GetRequiredService<IAuditAnchors>().WriteVerifiedAsync(verified, CancellationToken.None);

        // Act
        var results = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit/integrity");

        // Assert
        Assert.Equal(3, written.Count);
        foreach (var anchor in written)
        {
            var result = results.EnumerateArray().Single(r => r.GetProperty("database").GetString() == anchor.Database);
            Assert.True(result.GetProperty("isIntact").GetBoolean());
            Assert.True(result.GetProperty("newestAnchor").GetProperty("sequence").GetInt64() >= anchor.Sequence);
        }
    }

    private static async Task<List<JsonElement>> EntriesAsync(HttpClient client, string url)
    {
        var page = await client.GetFromJsonAsync<JsonElement>(url);
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    /// <summary>A portal of this class's own, on which administrators sign in with a password alone.</summary>
    public sealed class AdminsWithPasswordsOnly : IDisposable
    {
        public PortalFactory Portal { get; } = new() { Settings = new Dictionary<string, string?> { ["Security:RequireTwoFactorRoles"] = "" } };

        public void Dispose() => Portal.Dispose();
    }
}
