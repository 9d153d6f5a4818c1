using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Validation;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Accounts;

/// <summary>
/// The password policy where passwords are stored, on the real catalog: Identity (with <see cref="PortalPasswordValidator"/>
/// in place of its own validator, as the portal registers it) refuses what Core's rules refuse, with the same message,
/// also where nothing in Core looked first; and Core refuses before anything is stored.
/// </summary>
public abstract class PasswordPolicyTests(TestProvider provider) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private ShardedDatabase _db = default!;

    private IAccountDirectory Directory => _db.Get<IAccountDirectory>();

    private static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(
        provider,
        shardCount: 1,
        clock: _clock,
        configure: services => services.Replace(ServiceDescriptor.Scoped<IPasswordValidator<ApplicationUser>, PortalPasswordValidator>()));

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task CreateStaffAsync_CommonPassword_CoreAndIdentityRefuseWithTheSameMessageAndNothingIsStored()
    {
        var input = TestAccounts.Staff(password: "password1234");
        var before = await DatabaseFingerprint.TakeAsync(_db);

        var viaService = await Assert.ThrowsAsync<ValidationFailedException>(() => _db.Get<AccountService>().CreateStaffAsync(TestUser.Admin, input, None));
        var viaIdentity = await Assert.ThrowsAsync<ValidationFailedException>(() => Directory.CreateStaffAsync(AuditActor.System, input, None));

        Assert.Equal([PasswordPolicy.Common], viaService.Errors["password"]);
        Assert.Equal([PasswordPolicy.Common], viaIdentity.Errors["password"]);
        Assert.False(await Directory.EmailInUseAsync(input.Email!, None));
        Assert.Equal(before, await DatabaseFingerprint.TakeAsync(_db));
    }

    [Fact]
    public async Task ResetPasswordAsync_OwnEmailThroughIdentityAlone_IsRefusedAndTheOldPasswordStillWorks()
    {
        var account = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Doctor), None);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Directory.ResetPasswordAsync(AuditActor.System, account.Id, account.Email + "!", None));

        Assert.Equal([PasswordPolicy.OwnDetails], refusal.Errors["password"]);
        Assert.True(await PasswordWorksAsync(account.Id, TestAccounts.Password));
    }

    [Fact]
    public async Task ResetPasswordAsync_ThroughTheService_IsCheckedAgainstThatAccountsEmailAndName()
    {
        var account = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Doctor), None);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            _db.Get<AccountService>().ResetPasswordAsync(TestUser.Admin, account.Id, "Test Staff 2026!", None));

        Assert.Equal([PasswordPolicy.OwnDetails], refusal.Errors["password"]);
        Assert.True(await PasswordWorksAsync(account.Id, TestAccounts.Password));
    }

    [Fact]
    public async Task ChangePasswordAsync_OneCharacterRepeated_IsRefusedByIdentityWithThePolicyMessage()
    {
        var account = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Nurse), None);
        await using var scope = _db.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(account.Id);

        var result = await users.ChangePasswordAsync(user!, TestAccounts.Password, "aaaaaaaaaaaa");

        Assert.Equal([(PortalPasswordValidator.ErrorCode, PasswordPolicy.Repeated)], result.Errors.Select(e => (e.Code, e.Description)));
        Assert.True(await PasswordWorksAsync(account.Id, TestAccounts.Password));
    }

    [Fact]
    public async Task RegisterAsync_PasswordMadeOfThePatientsName_IsRefusedBeforeAnyRecordIsStored()
    {
        var registration = new SelfRegistration
        {
            Email = TestAccounts.UniqueEmail("patient"),
            Password = "Selfy Registrant 1",
            Patient = TestPatients.Input(given: "Selfy", family: "Registrant"),
        };
        var before = await DatabaseFingerprint.TakeAsync(_db);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() => _db.Get<RegistrationService>().RegisterAsync(registration, None));

        Assert.Equal([PasswordPolicy.OwnDetails], refusal.Errors["password"]);
        Assert.Equal(before, await DatabaseFingerprint.TakeAsync(_db));
        Assert.Empty(await PatientsCreatedAsync());
    }

    /// <summary>
    /// Records created at all, even if removed again: Core refuses before the record is added, not when Identity refuses
    /// the account afterwards.
    /// </summary>
    private async Task<IReadOnlyList<AuditEntryDto>> PatientsCreatedAsync() =>
        (await _db.Get<IAuditStore>().QueryAsync(new AuditQuery { Action = AuditAction.Create, Resource = Resource.Patient, Limit = 10 }, None)).Items;

    private async Task<bool> PasswordWorksAsync(string accountId, string password)
    {
        await using var scope = _db.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.CheckPasswordAsync((await users.FindByIdAsync(accountId))!, password);
    }

    public sealed class OnSqlite() : PasswordPolicyTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : PasswordPolicyTests(TestProvider.Postgres);
}
