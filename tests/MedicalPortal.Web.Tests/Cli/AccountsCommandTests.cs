using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Cli;

/// <summary>
/// <c>accounts add</c>, run the way Program.cs runs a command on a new production installation (no account at all):
/// the first administrator, who can then sign in; input that breaks a rule, told and nothing written. The password
/// comes on standard input and is never written out.
/// </summary>
public sealed class AccountsCommandTests : IDisposable
{
    private const string Password = "First-Admin-Pass-2026!";

    private readonly CommandLineHarness _commandLine = new();

    [Fact]
    public async Task Add_TheFirstAdministrator_CanSignInWithTheRoleAndTheAdditionIsAudited()
    {
        var run = await _commandLine.RunWithInputAsync(Password + "\n",
            "accounts", "add", "--email", "First.Admin@Clinic.test", "--name", "Ada First", "--role", "admin");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Admin account first.admin@clinic.test", run.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Password, run.Output + run.Error, StringComparison.Ordinal);
        await using var app = _commandLine.Build([]);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync("first.admin@clinic.test");
        Assert.NotNull(user);
        Assert.True(await users.CheckPasswordAsync(user, Password));
        Assert.Equal(["Admin"], await users.GetRolesAsync(user));
        var audit = await scope.ServiceProvider.GetRequiredService<IAuditStore>()
            .QueryAsync(new AuditQuery { Action = AuditAction.Create, Resource = Core.Permissions.Resource.Account, Limit = 10 }, CancellationToken.None);
        Assert.Contains(audit.Items, e => e.ActorName.StartsWith("accounts add command", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("short\n", "admin@clinic.test", "Admin", "password:")]
    [InlineData("\n", "admin@clinic.test", "Admin", "password:")]
    [InlineData(Password + "\n", "not-an-email", "Admin", "email:")]
    [InlineData(Password + "\n", "admin@clinic.test", "Patient", "role:")]
    [InlineData(Password + "\n", "admin@clinic.test", "Janitor", "role:")]
    public async Task Add_InputThatBreaksARule_SaysWhichExitsTwoAndAddsNobody(string input, string email, string role, string field)
    {
        var run = await _commandLine.RunWithInputAsync(input, "accounts", "add", "--email", email, "--name", "Ada First", "--role", role);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(field, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Output + run.Error, StringComparison.Ordinal);
        Assert.Empty(await StaffAsync());
    }

    [Fact]
    public async Task Add_AnEmailInUse_IsRefusedWithExitTwo()
    {
        Assert.Equal(0, (await _commandLine.RunWithInputAsync(Password + "\n", "accounts", "add", "--email", "a@clinic.test", "--name", "Ada", "--role", "Admin")).ExitCode);

        var again = await _commandLine.RunWithInputAsync(Password + "\n", "accounts", "add", "--email", "A@clinic.test", "--name", "Ada", "--role", "Doctor");

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists already", again.Error, StringComparison.Ordinal);
        Assert.Equal(["Admin"], (await StaffAsync()).Single().Roles);
    }

    [Fact]
    public async Task Add_WithoutAName_IsBadUsage()
    {
        var run = await _commandLine.RunWithInputAsync(Password + "\n", "accounts", "add", "--email", "a@clinic.test", "--role", "Admin");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--name", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _commandLine.Dispose();

    private async Task<IReadOnlyList<AccountDto>> StaffAsync()
    {
        await using var app = _commandLine.Build([]);
        await app.Services.GetRequiredService<Data.IDatabaseInitializer>().InitializeAsync(default);
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAccountDirectory>().ListStaffAsync(CancellationToken.None);
    }
}
