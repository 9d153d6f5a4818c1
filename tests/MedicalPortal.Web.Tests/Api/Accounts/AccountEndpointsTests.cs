using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Accounts;

/// <summary>
/// <c>/api/v1/accounts</c> and the rule that at least one active administrator remains. On a portal of its own, where
/// admin@clinic.test is the only active admin in every test (other admins made here are locked or demoted). Locking
/// and deleting it is tried by a holder of a custom role with rights on accounts, since nobody may lock or delete their
/// own account anyway.
/// </summary>
public sealed class AccountEndpointsTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private const string LastAdministrator = "At least one active administrator must remain.";

    [Fact]
    public async Task ChangeRole_LastActiveAdminDemotesItself_Returns400AndStaysAdmin()
    {
        // Arrange
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var adminId = await AdminIdAsync(admin);

        // Act
        using var response = await admin.PutAsJsonAsync($"/api/v1/accounts/{adminId}/role", new { role = RoleNames.Doctor });

        // Assert
        await AssertLastAdministratorAsync(response);
        await AssertStillActiveAdminAsync(admin);
    }

    [Fact]
    public async Task ChangeRole_LastActiveAdminWhileAnotherAdminIsLocked_Returns400AndStaysAdmin()
    {
        // Arrange: a second admin exists, but a locked one does not count.
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var adminId = await AdminIdAsync(admin);
        var second = await admin.CreateStaffAccountAsync(RoleNames.Admin);
        using var locked = await admin.PostAsync($"/api/v1/accounts/{second.Text("id")}/lock", content: null);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);

        // Act
        using var response = await admin.PutAsJsonAsync($"/api/v1/accounts/{adminId}/role", new { role = RoleNames.Doctor });

        // Assert
        await AssertLastAdministratorAsync(response);
        await AssertStillActiveAdminAsync(admin);
    }

    [Fact]
    public async Task ChangeRole_AdminWhileAnotherAdminIsActive_Returns200WithTheNewRole()
    {
        // Arrange: the rule is about the last one; any other admin can be demoted.
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var second = await admin.CreateStaffAccountAsync(RoleNames.Admin);

        // Act
        using var response = await admin.PutAsJsonAsync($"/api/v1/accounts/{second.Text("id")}/role", new { role = RoleNames.Doctor });
        var changed = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([RoleNames.Doctor], changed.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Lock_LastActiveAdmin_Returns400AndItsTokenKeepsWorking()
    {
        // Arrange
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var adminId = await AdminIdAsync(admin);
        using var desk = await AccountDeskAsync(admin, Operations.Retrieve | Operations.Update);

        // Act
        using var response = await desk.PostAsync($"/api/v1/accounts/{adminId}/lock", content: null);

        // Assert
        await AssertLastAdministratorAsync(response);
        await AssertStillActiveAdminAsync(admin);
    }

    [Fact]
    public async Task Delete_LastActiveAdmin_Returns400AndKeepsTheAccount()
    {
        // Arrange
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var adminId = await AdminIdAsync(admin);
        using var desk = await AccountDeskAsync(admin, Operations.Retrieve | Operations.Delete);

        // Act
        using var response = await desk.DeleteAsync($"/api/v1/accounts/{adminId}");

        // Assert
        await AssertLastAdministratorAsync(response);
        await AssertStillActiveAdminAsync(admin);
    }

    private static async Task<string> AdminIdAsync(HttpClient admin) =>
        (await admin.FindStaffAccountAsync(DemoUsers.Admin))?.Text("id") ?? throw new InvalidOperationException("admin@clinic.test is not listed.");

    /// <summary>Signs in a new staff account whose custom role may do <paramref name="operations"/> to accounts.</summary>
    private async Task<HttpClient> AccountDeskAsync(HttpClient admin, Operations operations)
    {
        var role = await admin.CreateRoleAsync();
        using var grant = await admin.PutPermissionsAsync(role, Resource.Account, operations);
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        var account = await admin.CreateStaffAccountAsync(role);
        return await portal.CreateClientForAsync(account.Text("email"), ApiRequests.StaffPassword);
    }

    private static async Task AssertLastAdministratorAsync(HttpResponseMessage response)
    {
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(LastAdministrator, problem.GetProperty("detail").GetString());
        Assert.Contains(LastAdministrator, problem.GetProperty("errors").EnumerateObject().SelectMany(e => e.Value.EnumerateArray()).Select(m => m.GetString()));
    }

    /// <summary>The admin's token still works, and the account is listed as an unlocked Admin.</summary>
    private static async Task AssertStillActiveAdminAsync(HttpClient admin)
    {
        var account = await admin.FindStaffAccountAsync(DemoUsers.Admin);
        Assert.NotNull(account);
        Assert.Equal([RoleNames.Admin], account.Value.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.False(account.Value.GetProperty("isLockedOut").GetBoolean());
    }
}
