using System.Net;
using System.Net.Http.Json;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Api.Accounts;

/// <summary>
/// Common, breached, repeated and self-describing passwords (issue 16, item 6) are refused on the API and by
/// <c>accounts add</c>, with the same message as everywhere else, and nothing is written. On a portal of its own where
/// administrators need no second factor, so the tests can use the demo administrator's token.
/// </summary>
public sealed class PasswordPolicyEndpointsTests(PasswordPolicyEndpointsTests.AdminsWithPasswordsOnly fixture)
    : IClassFixture<PasswordPolicyEndpointsTests.AdminsWithPasswordsOnly>
{
    private PortalFactory Portal => fixture.Portal;

    [Fact]
    public async Task CreateAccount_CommonPassword_Returns400WithThePolicyMessageAndOpensNothing()
    {
        // Arrange
        using var admin = await Portal.CreateClientForAsync(DemoUsers.Admin);
        var email = ApiRequests.UniqueEmail("staff");

        // Act
        using var response = await admin.PostAsJsonAsync("/api/v1/accounts", ApiRequests.StaffAccount(email, RoleNames.Doctor, password: "password1234"));

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([PasswordPolicy.Common], PasswordErrors(problem));
        Assert.Null(await admin.FindStaffAccountAsync(email));
    }

    [Fact]
    public async Task ResetPassword_TheAccountsOwnEmail_Returns400AndTheOldPasswordStillSignsIn()
    {
        // Arrange
        using var admin = await Portal.CreateClientForAsync(DemoUsers.Admin);
        var account = await admin.CreateStaffAccountAsync(RoleNames.Nurse);

        // Act
        using var response = await admin.PutAsJsonAsync($"/api/v1/accounts/{account.Text("id")}/password", new { password = account.Text("email") + "!" });

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([PasswordPolicy.OwnDetails], PasswordErrors(problem));
        using var stillSignsIn = await Portal.CreateClientForAsync(account.Text("email"), ApiRequests.StaffPassword);
    }

    [Fact]
    public async Task Register_OneCharacterRepeated_Returns400AndRegistersNobody()
    {
        // Arrange
        using var anonymous = Portal.CreateAnonymousClient();
        var email = ApiRequests.UniqueEmail("patient");

        // Act
        using var response = await anonymous.PostAsJsonAsync(
            "/api/v1/auth/register", ApiRequests.Registration(email, ApiRequests.UniqueLetters(), password: "zzzzzzzzzzzzzzzz"));

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([PasswordPolicy.Repeated], PasswordErrors(problem));
        Assert.False(await AccountExistsAsync(email));
    }

    [Fact]
    public async Task AccountsAdd_CommonPassword_ExitsTwoWithThePolicyMessageAndAddsNobody()
    {
        // Arrange
        using var commandLine = new CommandLineHarness();

        // Act
        var run = await commandLine.RunWithInputAsync(
            "password1234\n", "accounts", "add", "--email", "first.admin@clinic.test", "--name", "Ada First", "--role", "Admin");

        // Assert
        Assert.True(run.ExitCode == 2, run.Error);
        Assert.Equal($"password: {PasswordPolicy.Common}", run.Error.Trim());
        Assert.DoesNotContain("password1234", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Empty(commandLine.DatabaseFiles());
    }

    private static IReadOnlyList<string?> PasswordErrors(System.Text.Json.JsonElement problem) =>
        [.. problem.GetProperty("errors").GetProperty("password").EnumerateArray().Select(e => e.GetString())];

    private async Task<bool> AccountExistsAsync(string email)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email) is not null;
    }

    /// <summary>A portal of this class's own, on which administrators sign in with a password alone.</summary>
    public sealed class AdminsWithPasswordsOnly : IDisposable
    {
        public PortalFactory Portal { get; } = new() { Settings = new Dictionary<string, string?> { ["Security:RequireTwoFactorRoles"] = "" } };

        public void Dispose() => Portal.Dispose();
    }
}
