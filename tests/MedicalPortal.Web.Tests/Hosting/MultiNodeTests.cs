using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Administration;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Data;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Testing;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Hosting;

/// <summary>
/// Two web nodes, as behind a load balancer: two real Kestrel servers started at the same moment on one set of fresh
/// databases and one real Redis. Whatever is written through one is what the other answers, at once, including
/// what the other had cached, and a token issued by one is honoured by the other. The same tests run on SQLite files
/// (<see cref="OnSqlite"/>) and on PostgreSQL (<see cref="OnPostgres"/>), where the two starts also race each other's
/// migrations and seeding on a server.
/// </summary>
public abstract class MultiNodeTests(MultiNodeTests.TwoNodes nodes)
{
    private PortalNode A => nodes.A;

    private PortalNode B => nodes.B;

    [Fact]
    public async Task NodesStartedTogether_OnFreshDatabases_SeedTheDemoDataOnce()
    {
        var status = await A.Services.GetRequiredService<ISystemStatusSource>().ReadAsync(CancellationToken.None);

        Assert.True(status.Shards.Sum(s => s.Patients) >= DataSeeder.DemoPatientCount);
        Assert.True(status.Shards.Sum(s => s.Patients) < 2 * DataSeeder.DemoPatientCount, "The demo patients were seeded twice.");
        Assert.Equal("connected", status.Cache.State);
    }

    [Fact]
    public async Task Token_IssuedByOneNode_IsAcceptedByTheOther()
    {
        var token = await A.TokenAsync(DemoUsers.Doctor);
        using var onB = B.Client(token);

        using var response = await onB.GetAsync("/api/v1/patients?q=D000001");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PatientUpdatedOnA_IsReadOnB_AtOnce_EvenThoughBHadItCached()
    {
        var token = await A.TokenAsync(DemoUsers.Doctor);
        using var onA = A.Client(token);
        using var onB = B.Client(token);
        var patient = await onA.RegisterPatientAsync(ApiRequests.Patient(family: "Nodes", city: "Before"));
        await onB.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patient.Id()}");
        var cached = await onB.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patient.Id()}"); // from B's memory now

        using var update = await onA.PutAsJsonAsync($"/api/v1/patients/{patient.Id()}", patient.WithChanges(("city", "After")));
        var onBAfter = await onB.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patient.Id()}");

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal("Before", cached.Text("city"));
        Assert.Equal(("After", patient.Version() + 1), (onBAfter.Text("city"), onBAfter.Version()));
    }

    [Fact]
    public async Task VisitRecordedOnA_IsListedOnB_AtOnce_EvenThoughBHadTheListCached()
    {
        var token = await A.TokenAsync(DemoUsers.Doctor);
        using var onA = A.Client(token);
        using var onB = B.Client(token);
        var patient = await onA.RegisterPatientAsync(ApiRequests.Patient(family: "Visits"));
        await onB.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patient.Id()}/visits");

        var visit = await onA.RecordVisitAsync(patient.Id(), ApiRequests.Visit());
        var listed = await onB.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patient.Id()}/visits");

        Assert.Equal([visit.Id()], listed.GetProperty("items").EnumerateArray().Select(v => v.Id()));
    }

    [Fact]
    public async Task PermissionRemovedOnA_IsRefusedOnB_AtOnce()
    {
        using var admin = A.Client(await A.TokenAsync(DemoUsers.Admin));
        var role = await admin.CreateRoleAsync();
        using (var grant = await admin.PutPermissionsAsync(role, Resource.Patient, Operations.Retrieve))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        }

        var account = await admin.CreateStaffAccountAsync(role);
        using var onB = B.Client(await B.TokenAsync(account.Text("email"), ApiRequests.StaffPassword));
        using var before = await onB.GetAsync("/api/v1/patients?q=D000001"); // B now has the matrix cached

        using (var revoke = await admin.PutPermissionsAsync(role, Resource.Patient, Operations.None))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        using var after = await onB.GetAsync("/api/v1/patients?q=D000001");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await after.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AccountLockedOnA_ItsTokenStopsWorkingOnB_AtOnce()
    {
        using var admin = A.Client(await A.TokenAsync(DemoUsers.Admin));
        var account = await admin.CreateStaffAccountAsync(RoleNames.Nurse);
        using var onB = B.Client(await A.TokenAsync(account.Text("email"), ApiRequests.StaffPassword));
        using var before = await onB.GetAsync("/api/v1/patients?q=D000001"); // B now has the account's status cached

        using (var locked = await admin.PostAsync($"/api/v1/accounts/{account.Text("id")}/lock", content: null))
        {
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        }

        using var after = await onB.GetAsync("/api/v1/patients?q=D000001");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await after.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    public sealed class OnSqlite(TwoNodes.OnSqlite fixture) : MultiNodeTests(fixture), IClassFixture<TwoNodes.OnSqlite>;

    public sealed class OnPostgres(TwoNodes.OnPostgres fixture) : MultiNodeTests(fixture), IClassFixture<TwoNodes.OnPostgres>;

    /// <summary>Redis, and two nodes started together on one set of fresh databases of <paramref name="provider"/>.</summary>
    public abstract class TwoNodes(DatabaseProvider provider) : IAsyncLifetime
    {
        private TestDatabases? _databases;
        private RedisServer? _redis;
        private PortalNode[] _nodes = [];

        public PortalNode A => _nodes[0];

        public PortalNode B => _nodes[1];

        public async Task InitializeAsync()
        {
            _redis = await RedisServer.StartAsync();
            _databases = await TestDatabases.CreateAsync(provider);
            var prefix = $"nodes-{Guid.NewGuid():N}:";
            Task<PortalNode>[] starting =
            [
                PortalNode.StartAsync(_databases, _redis.Configuration, prefix),
                PortalNode.StartAsync(_databases, _redis.Configuration, prefix),
            ];
            try
            {
                _nodes = await Task.WhenAll(starting);
            }
            catch
            {
                // A node that started while the other failed still holds connections: stop it before the databases go.
                _nodes = [.. starting.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result)];
                throw;
            }

            await A.WaitForCacheAsync();
            await B.WaitForCacheAsync();
        }

        public async Task DisposeAsync()
        {
            foreach (var node in _nodes)
            {
                await node.DisposeAsync();
            }

            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }

            if (_databases is not null)
            {
                await _databases.DisposeAsync();
            }
        }

        public sealed class OnSqlite() : TwoNodes(DatabaseProvider.Sqlite);

        public sealed class OnPostgres() : TwoNodes(DatabaseProvider.Postgres);
    }
}
