using System.Net;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Components.Account.Pages.Manage;

/// <summary>
/// Closing one's own account through the account pages obeys the rules of <c>DELETE /api/v1/accounts/{id}</c>: the
/// same permission check, the same refusal of one's own account, the same last-administrator rule, and nothing is
/// deleted when they refuse. On a portal of its own: a failure here would delete a demo account.
/// </summary>
public sealed class DeletePersonalDataTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private const string Page = "/Account/Manage/DeletePersonalData";

    [Fact]
    public async Task Post_LastAdministratorClosesOwnAccount_IsRefusedAsByTheApiAndKeepsTheAccount()
    {
        // Arrange: admin@clinic.test is the only administrator of this installation.
        using var api = await portal.CreateClientForAsync(DemoUsers.Admin);
        var adminId = (await api.FindStaffAccountAsync(DemoUsers.Admin))!.Value.Text("id");
        using var browser = await AccountPages.SignInAsync(portal, DemoUsers.Admin, DemoAccounts.DefaultPassword);
        using var viaApi = await api.DeleteAsync($"/api/v1/accounts/{adminId}");
        var apiRefusal = (await viaApi.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString()!;

        // Act
        using var response = await browser.SubmitAsync(Page, "delete-user", new() { ["Input.Password"] = DemoAccounts.DefaultPassword });
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        // Assert
        Assert.Equal("You cannot delete your own account.", apiRefusal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"Error: {apiRefusal}", html, StringComparison.Ordinal);
        Assert.Equal(adminId, (await api.FindStaffAccountAsync(DemoUsers.Admin))?.Text("id"));
        using var stillSignedIn = await browser.SubmitAsync(Page, "delete-user", new() { ["Input.Password"] = "not the password" });
        Assert.Contains("Error: Incorrect password.", await stillSignedIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_RoleWithoutAccountDelete_IsRefusedAsByTheApiAndKeepsTheAccount()
    {
        // Arrange
        using var doctorApi = await portal.CreateClientForAsync(DemoUsers.Doctor);
        using var adminApi = await portal.CreateClientForAsync(DemoUsers.Admin);
        var doctorId = (await adminApi.FindStaffAccountAsync(DemoUsers.Doctor))!.Value.Text("id");
        using var browser = await AccountPages.SignInAsync(portal, DemoUsers.Doctor, DemoAccounts.DefaultPassword);
        using var viaApi = await doctorApi.DeleteAsync($"/api/v1/accounts/{doctorId}");
        var apiRefusal = (await viaApi.ReadProblemAsync(HttpStatusCode.Forbidden)).GetProperty("detail").GetString()!;

        // Act
        using var response = await browser.SubmitAsync(Page, "delete-user", new() { ["Input.Password"] = DemoAccounts.DefaultPassword });
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"Error: {apiRefusal}", html, StringComparison.Ordinal);
        Assert.Equal(doctorId, (await adminApi.FindStaffAccountAsync(DemoUsers.Doctor))?.Text("id"));
    }

    [Fact]
    public async Task Post_PatientClosesOwnAccount_IsRefusedAndTheAccountStillSignsIn()
    {
        // Arrange
        using var browser = await AccountPages.SignInAsync(portal, DemoUsers.Patient, DemoAccounts.DefaultPassword);

        // Act
        using var response = await browser.SubmitAsync(Page, "delete-user", new() { ["Input.Password"] = DemoAccounts.DefaultPassword });

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Error: Your role does not allow deleting", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.NotNull(await portal.LinkedPatientIdAsync(DemoUsers.Patient));
        using var again = await portal.CreateClientForAsync(DemoUsers.Patient);
    }
}
