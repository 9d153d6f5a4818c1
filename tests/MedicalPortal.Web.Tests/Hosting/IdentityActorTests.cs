using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Hosting;

/// <summary>
/// What the account pages change through Identity's own managers, rather than through a service, is attributed to the
/// caller of the request: the host names the signed-in account (or "anonymous") and the request's catalog context
/// carries it to the audit trail. On a portal of its own, with accounts made for each test.
/// </summary>
public sealed class IdentityActorTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private const string NewPassword = "Another-Synthetic-Pass-2026";

    [Fact]
    public async Task ChangePassword_ThroughTheAccountPage_IsAttributedToTheSignedInAccount()
    {
        // Arrange
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var account = await admin.CreateStaffAccountAsync(RoleNames.Nurse);
        using var browser = await AccountPages.SignInAsync(portal, account.Text("email"), ApiRequests.StaffPassword);

        // Act
        using var response = await browser.SubmitAsync("/Account/Manage/ChangePassword", "change-password", new()
        {
            ["Input.OldPassword"] = ApiRequests.StaffPassword,
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var change = await NewestUpdateOfAsync(admin, account.Text("id"), "PasswordHash");
        Assert.Equal(account.Text("id"), change.GetProperty("actorId").GetString());
        Assert.Equal(account.Text("email"), change.GetProperty("actorName").GetString());
    }

    [Fact]
    public async Task FailedSignIn_ThroughTheSignInPage_IsAttributedToAnonymous()
    {
        // Arrange
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var account = await admin.CreateStaffAccountAsync(RoleNames.Nurse);
        using var browser = AccountPages.Anonymous(portal);

        // Act
        using var response = await browser.SubmitAsync("/Account/Login", "login", new()
        {
            ["Input.Email"] = account.Text("email"),
            ["Input.Password"] = "not the password at all",
        });

        // Assert: the failure counts towards lockout, and nobody signed in made that change.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var change = await NewestUpdateOfAsync(admin, account.Text("id"), "AccessFailedCount");
        Assert.Equal(JsonValueKind.Null, change.GetProperty("actorId").ValueKind);
        Assert.Equal("anonymous", change.GetProperty("actorName").GetString());
    }

    /// <summary>The newest audit entry that updated <paramref name="property"/> of the account.</summary>
    private static async Task<JsonElement> NewestUpdateOfAsync(HttpClient admin, string accountId, string property)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>(
            $"/api/v1/audit?resource=Account&resourceId={Uri.EscapeDataString(accountId)}&action=Update");
        return page.GetProperty("items").EnumerateArray()
            .First(entry => entry.GetProperty("changes").EnumerateArray().Any(c => c.GetProperty("property").GetString() == property));
    }
}
