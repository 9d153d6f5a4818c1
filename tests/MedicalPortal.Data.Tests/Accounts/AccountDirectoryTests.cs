using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Validation;
using MedicalPortal.Data.Accounts;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Accounts;

/// <summary>
/// Accounts through Identity in the real catalog: validation, security stamps, the last administrator, and patients'
/// online accounts found by their record and locked.
/// </summary>
public abstract class AccountDirectoryTests(TestProvider provider) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private ShardedDatabase _db = default!;

    private IAccountDirectory Directory => _db.Get<IAccountDirectory>();

    private AccountStatusStore Status => _db.Get<AccountStatusStore>();

    private static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 1, clock: _clock);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task CreateStaffAsync_ValidInput_StoresTheAccountWithItsRole()
    {
        var created = await _db.Get<AccountService>().CreateStaffAsync(
            TestUser.Admin, TestAccounts.Staff(RoleNames.Doctor, email: "  New.Doctor@Clinic.Test "), None);

        var found = await Directory.FindAsync(created.Id, None);
        Assert.Equal(("new.doctor@clinic.test", "Test Staff", false, null), (found!.Email, found.DisplayName, found.IsLockedOut, found.PatientId));
        Assert.Equal([RoleNames.Doctor], found.Roles);
        Assert.True(await Directory.EmailInUseAsync("new.doctor@clinic.test", None));
    }

    [Theory]
    [InlineData("taken@clinic.test")]
    [InlineData("TAKEN@clinic.test")]
    public async Task CreateStaffAsync_EmailTakenInAnyCase_IsRefusedOnTheEmailField(string email)
    {
        await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(email: "taken@clinic.test"), None);
        var before = await CountAccountsAsync();

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Doctor, email: email), None));

        Assert.Equal(["email"], refusal.Errors.Keys);
        Assert.Equal(before, await CountAccountsAsync());
    }

    [Fact]
    public async Task CreateStaffAsync_ShortPassword_IsRefusedOnThePasswordFieldByServiceAndDirectory()
    {
        var input = TestAccounts.Staff(password: "Short-1a");

        var viaService = await Assert.ThrowsAsync<ValidationFailedException>(() => _db.Get<AccountService>().CreateStaffAsync(TestUser.Admin, input, None));
        var viaDirectory = await Assert.ThrowsAsync<ValidationFailedException>(() => Directory.CreateStaffAsync(AuditActor.System, input, None));

        Assert.Equal(["password"], viaService.Errors.Keys);
        Assert.Equal(["password"], viaDirectory.Errors.Keys);
        Assert.Equal(0, await CountAccountsAsync());
    }

    [Fact]
    public async Task CreateStaffAsync_UnknownRole_IsRefusedOnTheRoleFieldAndNothingStored()
    {
        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff("Astronaut"), None));

        Assert.Equal(["role"], refusal.Errors.Keys);
        Assert.Equal(0, await CountAccountsAsync());
    }

    [Fact]
    public async Task CreateStaffAsync_PatientRoleThroughTheService_IsRefusedOnTheRoleField()
    {
        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            _db.Get<AccountService>().CreateStaffAsync(TestUser.Admin, TestAccounts.Staff(RoleNames.Patient), None));

        Assert.Equal(["role"], refusal.Errors.Keys);
        Assert.Equal(0, await CountAccountsAsync());
    }

    [Fact]
    public async Task ChangeRoleAsync_StaffAccount_RenewsTheStampAndTheStatusShowsItAtOnce()
    {
        var account = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Nurse), None);
        var before = await Status.GetAsync(account.Id, None); // cached from here on

        var changed = await Directory.ChangeRoleAsync(AuditActor.System, account.Id, "doctor", None);

        Assert.Equal([RoleNames.Doctor], changed.Roles);
        Assert.NotEqual(before!.SecurityStamp, (await Status.GetAsync(account.Id, None))!.SecurityStamp);
        Assert.Equal(await StoredStampAsync(account.Id), (await Status.GetAsync(account.Id, None))!.SecurityStamp);
    }

    [Fact]
    public async Task SetLockedAsync_LockThenUnlock_StatusShowsEachStateAtOnceWithANewStamp()
    {
        var account = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Nurse), None);
        var before = await Status.GetAsync(account.Id, None); // cached from here on

        var locked = await Directory.SetLockedAsync(AuditActor.System, account.Id, locked: true, None);
        var whileLocked = await Status.GetAsync(account.Id, None);
        var unlocked = await Directory.SetLockedAsync(AuditActor.System, account.Id, locked: false, None);
        var afterUnlock = await Status.GetAsync(account.Id, None);

        Assert.False(before!.IsClosed);
        Assert.True(locked.IsLockedOut);
        Assert.True(whileLocked!.IsClosed);
        Assert.NotEqual(before.SecurityStamp, whileLocked.SecurityStamp);
        Assert.False(unlocked.IsLockedOut);
        Assert.False(afterUnlock!.IsClosed);
        Assert.NotEqual(whileLocked.SecurityStamp, afterUnlock.SecurityStamp);
    }

    [Fact]
    public async Task ResetPasswordAsync_StaffAccount_RenewsTheStampAndTheNewPasswordWorks()
    {
        var account = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Nurse), None);
        var before = await Status.GetAsync(account.Id, None); // cached from here on

        await _db.Get<AccountService>().ResetPasswordAsync(TestUser.Admin, account.Id, "Another-Password-2026", None);

        Assert.NotEqual(before!.SecurityStamp, (await Status.GetAsync(account.Id, None))!.SecurityStamp);
        await using var scope = _db.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(account.Id);
        Assert.True(await users.CheckPasswordAsync(user!, "Another-Password-2026"));
        Assert.False(await users.CheckPasswordAsync(user!, TestAccounts.Password));
    }

    [Fact]
    public async Task DeleteAsync_StaffAccount_StatusShowsItGoneAtOnce()
    {
        var account = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Nurse), None);
        Assert.NotNull(await Status.GetAsync(account.Id, None)); // cached from here on

        await Directory.DeleteAsync(AuditActor.System, account.Id, None);

        Assert.Null(await Status.GetAsync(account.Id, None));
        Assert.Null(await Directory.FindAsync(account.Id, None));
    }

    [Fact]
    public async Task ChangeRoleAsync_LastActiveAdmin_IsRefusedAndStaysAdmin()
    {
        var admin = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);
        var stamp = await StoredStampAsync(admin.Id);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() => Directory.ChangeRoleAsync(AuditActor.System, admin.Id, RoleNames.Nurse, None));

        AssertLastAdministrator(refusal);
        Assert.Equal([RoleNames.Admin], (await Directory.FindAsync(admin.Id, None))!.Roles);
        Assert.Equal(stamp, await StoredStampAsync(admin.Id));
    }

    [Fact]
    public async Task SetLockedAsync_LastActiveAdmin_IsRefusedAndStaysUnlocked()
    {
        var admin = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() => Directory.SetLockedAsync(AuditActor.System, admin.Id, locked: true, None));

        AssertLastAdministrator(refusal);
        Assert.False((await Directory.FindAsync(admin.Id, None))!.IsLockedOut);
    }

    [Fact]
    public async Task DeleteAsync_LastActiveAdmin_IsRefusedAndStays()
    {
        var admin = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() => Directory.DeleteAsync(AuditActor.System, admin.Id, None));

        AssertLastAdministrator(refusal);
        Assert.NotNull(await Directory.FindAsync(admin.Id, None));
    }

    [Fact]
    public async Task ChangeRoleAsync_OnlyOtherAdminIsLocked_IsRefused()
    {
        var admin = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);
        var lockedAdmin = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);
        await Directory.SetLockedAsync(AuditActor.System, lockedAdmin.Id, locked: true, None);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() => Directory.ChangeRoleAsync(AuditActor.System, admin.Id, RoleNames.Nurse, None));

        AssertLastAdministrator(refusal);
        Assert.Equal([RoleNames.Admin], (await Directory.FindAsync(admin.Id, None))!.Roles);
    }

    [Fact]
    public async Task DemoteLockDelete_AnotherActiveAdminExists_AreAllowed()
    {
        var first = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);
        var second = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);
        var third = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);

        var demoted = await Directory.ChangeRoleAsync(AuditActor.System, first.Id, RoleNames.Nurse, None);
        var locked = await Directory.SetLockedAsync(AuditActor.System, second.Id, locked: true, None);
        var lastDelete = await Assert.ThrowsAsync<ValidationFailedException>(() => Directory.DeleteAsync(AuditActor.System, third.Id, None));
        await Directory.ChangeRoleAsync(AuditActor.System, first.Id, RoleNames.Admin, None);
        await Directory.DeleteAsync(AuditActor.System, third.Id, None);

        Assert.Equal([RoleNames.Nurse], demoted.Roles);
        Assert.True(locked.IsLockedOut);
        AssertLastAdministrator(lastDelete);
        Assert.Null(await Directory.FindAsync(third.Id, None));
        Assert.Equal([first.Id], await ActiveAdminIdsAsync());
    }

    [Fact]
    public async Task ChangeRoleAsync_TwoAdminsDemoteEachOtherAtTheSameMoment_OneAdminAlwaysRemains()
    {
        var accounts = _db.Get<AccountService>();
        var outcomes = new List<string>();
        IReadOnlyList<string> survivors = [];
        for (var round = 0; round < 10; round++)
        {
            var a = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);
            var b = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);
            foreach (var survivor in survivors)
            {
                await Directory.ChangeRoleAsync(AuditActor.System, survivor, RoleNames.Nurse, None); // only a and b are admins now
            }

            var asA = TestUser.Admin with { AccountId = a.Id };
            var asB = TestUser.Admin with { AccountId = b.Id };
            var results = await Task.WhenAll(
                Task.Run(() => OutcomeAsync(() => accounts.ChangeRoleAsync(asA, b.Id, RoleNames.Nurse, None))),
                Task.Run(() => OutcomeAsync(() => accounts.ChangeRoleAsync(asB, a.Id, RoleNames.Nurse, None))));

            survivors = await ActiveAdminIdsAsync();
            outcomes.Add($"round {round}: {string.Join(" / ", results)}; active admins left: {survivors.Count}");
            Assert.True(survivors.Count >= 1, string.Join(Environment.NewLine, outcomes));
            Assert.Contains(results, r => r == AccountRules.LastAdministrator);
        }
    }

    [Fact]
    public async Task FindForPatientAsync_LinkedAndUnlinkedRecords_FindsOnlyTheLinkedAccount()
    {
        var linked = Guid.CreateVersion7();
        await Directory.CreatePatientAccountAsync(AuditActor.System,
            TestAccounts.UniqueEmail("other"), TestAccounts.Password, "Testy Other", Guid.CreateVersion7(), None);
        var patient = await Directory.CreatePatientAccountAsync(AuditActor.System,
            TestAccounts.UniqueEmail("patient"), TestAccounts.Password, "Testy Example", linked, None);

        var found = await Directory.FindForPatientAsync(linked, None);
        var none = await Directory.FindForPatientAsync(Guid.CreateVersion7(), None);

        Assert.NotNull(found);
        Assert.Equal((patient.Id, patient.Email, linked), (found.Id, found.Email, found.PatientId));
        Assert.Equal([RoleNames.Patient], found.Roles);
        Assert.Null(none);
    }

    [Fact]
    public async Task SetLockedAsync_PatientAccount_StatusShowsItLockedAtOnceWithANewStamp()
    {
        var patient = await Directory.CreatePatientAccountAsync(AuditActor.System,
            TestAccounts.UniqueEmail("patient"), TestAccounts.Password, "Testy Example", Guid.CreateVersion7(), None);
        var before = await Status.GetAsync(patient.Id, None); // cached from here on

        await Directory.SetLockedAsync(AuditActor.System, patient.Id, locked: true, None);
        var whileLocked = await Status.GetAsync(patient.Id, None);

        Assert.True(whileLocked!.IsClosed);
        Assert.True((await Directory.FindForPatientAsync(patient.PatientId!.Value, None))!.IsLockedOut);
        Assert.NotEqual(before!.SecurityStamp, whileLocked.SecurityStamp);
    }

    [Fact]
    public async Task ListStaffAsync_WithPatientAccounts_ListsOnlyStaff()
    {
        var nurse = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Nurse), None);
        var patient = await Directory.CreatePatientAccountAsync(AuditActor.System,
            TestAccounts.UniqueEmail("patient"), TestAccounts.Password, "Testy Example", Guid.CreateVersion7(), None);

        var staff = await _db.Get<AccountService>().ListStaffAsync(TestUser.Admin, None);

        Assert.Contains(staff, a => a.Id == nurse.Id);
        Assert.DoesNotContain(staff, a => a.Id == patient.Id);
        Assert.All(staff, a => Assert.Null(a.PatientId));
    }

    private static void AssertLastAdministrator(ValidationFailedException refusal) =>
        Assert.Contains(AccountRules.LastAdministrator, refusal.Errors.SelectMany(e => e.Value));

    /// <summary>"done", the validation message, or the unexpected exception.</summary>
    private static async Task<string> OutcomeAsync(Func<Task> change)
    {
        try
        {
            await change();
            return "done";
        }
        catch (ValidationFailedException refusal)
        {
            return string.Join(" ", refusal.Errors.SelectMany(e => e.Value));
        }
    }

    private async Task<int> CountAccountsAsync()
    {
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        return await catalog.Users.CountAsync();
    }

    private async Task<string?> StoredStampAsync(string id)
    {
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        return await catalog.Users.Where(u => u.Id == id).Select(u => u.SecurityStamp).SingleAsync();
    }

    /// <summary>Unlocked accounts holding the Admin role, read straight from the catalog.</summary>
    private async Task<IReadOnlyList<string>> ActiveAdminIdsAsync()
    {
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        var admin = RoleNames.Admin.ToUpperInvariant();
        var adminIds = await (
            from userRole in catalog.UserRoles
            join role in catalog.Roles on userRole.RoleId equals role.Id
            where role.NormalizedName == admin
            select userRole.UserId).ToListAsync();
        var users = await catalog.Users.Where(u => adminIds.Contains(u.Id)).ToListAsync();
        return users.Where(u => u.LockoutEnd is null || u.LockoutEnd <= _clock.GetUtcNow()).Select(u => u.Id).ToList();
    }

    [Fact]
    public async Task FailedSignInLockout_KeepsTheAccountsSessionsCounting()
    {
        // Arrange: five wrong passwords lock the account for a quarter of an hour, as Identity counts them.
        var account = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Nurse), None);
        var stamp = await StoredStampAsync(account.Id);
        await FailSignInsAsync(account.Id, 5);

        // Act: nothing cached yet, so both come from the database.
        var status = await Status.GetAsync(account.Id, None);
        var current = await Status.IsCurrentAsync(account.Id, stamp, None);

        // Assert: locked for new sign-ins, but the sessions it has still count.
        Assert.True((await Directory.FindAsync(account.Id, None))!.IsLockedOut);
        Assert.False(status!.IsClosed);
        Assert.True(current);
    }

    [Fact]
    public async Task SetLockedAsync_AnotherAdminLockedOutByFailedSignIns_CountsAsActive()
    {
        // Arrange: two admins; an attacker locked the other one out for a quarter of an hour.
        var first = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);
        var second = await Directory.CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin), None);
        foreach (var id in (await ActiveAdminIdsAsync()).Except([first.Id, second.Id]))
        {
            await Directory.SetLockedAsync(AuditActor.System, id, locked: true, None);
        }

        await FailSignInsAsync(second.Id, 5);

        // Act: the first can still be locked by an administrator, since the second is back in minutes.
        var locked = await Directory.SetLockedAsync(AuditActor.System, first.Id, locked: true, None);

        // Assert
        Assert.True(locked.IsLockedOut);
    }

    private async Task FailSignInsAsync(string accountId, int times)
    {
        await using var scope = _db.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IdentityActor>().Actor = AuditActor.System;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(accountId);
        for (var i = 0; i < times; i++)
        {
            await users.AccessFailedAsync(user!);
        }

        Assert.True(await users.IsLockedOutAsync(user!));
    }

    public sealed class OnSqlite() : AccountDirectoryTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : AccountDirectoryTests(TestProvider.Postgres);
}
