using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Validation;
using MedicalPortal.Data.Accounts;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Roles;

/// <summary>Roles and the stored matrix, through <see cref="RoleService"/> (as an admin) and the directory behind it.</summary>
public abstract class RoleDirectoryTests(TestProvider provider) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private ShardedDatabase _db = default!;

    private RoleService Service => _db.Get<RoleService>();

    private IRoleDirectory Directory => _db.Get<IRoleDirectory>();

    private static CancellationToken None => CancellationToken.None;

    public static TheoryData<string> SeededRoles => [.. RoleNames.Seeded];

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 1, clock: _clock);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task CreateGrantRenameDelete_RoundTrip_ListAndMatrixFollowEveryStep()
    {
        var created = await Service.CreateAsync(TestUser.Admin, "  Lab Technician ", None);
        var afterCreate = await Service.ListAsync(TestUser.Admin, None);
        await Service.GrantAsync(TestUser.Admin, "lab technician", Resource.Visit, Operations.Create | Operations.Retrieve, None);
        var afterGrant = await Directory.FindAsync("Lab Technician", None);
        var renamed = await Service.RenameAsync(TestUser.Admin, "Lab Technician", "Phlebotomist", None);
        var afterRename = await Service.ListAsync(TestUser.Admin, None);
        await Service.DeleteAsync(TestUser.Admin, "Phlebotomist", None);
        var afterDelete = await Service.ListAsync(TestUser.Admin, None);
        var matrix = await _db.Get<IPermissionStore>().GetMatrixAsync(None);

        Assert.Equal(("Lab Technician", 0), (created.Name, created.Holders));
        Assert.Empty(created.Grants);
        Assert.Contains(afterCreate, r => r.Name == "Lab Technician" && r.Grants.Count == 0);
        Assert.Equal(Operations.Create | Operations.Retrieve, afterGrant!.Granted(Resource.Visit));
        Assert.Equal(("Phlebotomist", Operations.Create | Operations.Retrieve), (renamed.Name, renamed.Granted(Resource.Visit)));
        Assert.DoesNotContain(afterRename, r => r.Name == "Lab Technician");
        Assert.DoesNotContain(afterDelete, r => r.Name == "Phlebotomist");
        Assert.Equal(RoleNames.Seeded.Order(StringComparer.Ordinal), afterDelete.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(matrix.Roles, r => r is "Phlebotomist" or "Lab Technician");
        Assert.Equal(0, await CountPermissionRowsAsync("Phlebotomist") + await CountPermissionRowsAsync("Lab Technician"));
    }

    [Theory]
    [InlineData("Lab Technician", "Lab Technician")]
    [InlineData("Lab Technician", "LAB TECHNICIAN")]
    [InlineData("Lab Technician", "lab technician")]
    [InlineData("Nurse", "nurse")]
    [InlineData("Nurse", "NURSE")]
    public async Task CreateAsync_NameTakenInAnyCase_IsRefusedOnTheNameField(string existing, string duplicate)
    {
        if (!RoleNames.Seeded.Contains(existing))
        {
            await Service.CreateAsync(TestUser.Admin, existing, None);
        }

        var before = await Service.ListAsync(TestUser.Admin, None);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() => Service.CreateAsync(TestUser.Admin, duplicate, None));

        Assert.Equal(["name"], refusal.Errors.Keys);
        Assert.Equal(before.Select(r => r.Name), (await Service.ListAsync(TestUser.Admin, None)).Select(r => r.Name));
    }

    [Fact]
    public async Task RenameAsync_ToANameTakenInAnotherCase_IsRefusedOnTheNameField()
    {
        await Service.CreateAsync(TestUser.Admin, "Lab Technician", None);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() => Service.RenameAsync(TestUser.Admin, "Lab Technician", "doctor", None));

        Assert.Equal(["name"], refusal.Errors.Keys);
        Assert.NotNull(await Directory.FindAsync("Lab Technician", None));
    }

    [Fact]
    public async Task DeleteAsync_RoleSomebodyHolds_IsRefusedAndTheRoleStays()
    {
        await Service.CreateAsync(TestUser.Admin, "Lab Technician", None);
        await Service.GrantAsync(TestUser.Admin, "Lab Technician", Resource.Visit, Operations.Retrieve, None);
        await _db.Get<IAccountDirectory>().CreateStaffAsync(AuditActor.System, TestAccounts.Staff("Lab Technician"), None);

        var viaService = await Assert.ThrowsAsync<ValidationFailedException>(() => Service.DeleteAsync(TestUser.Admin, "Lab Technician", None));
        var viaDirectory = await Assert.ThrowsAsync<ValidationFailedException>(() => Directory.DeleteAsync(AuditActor.System, "Lab Technician", None));

        Assert.Equal(["name"], viaService.Errors.Keys);
        Assert.Equal(["name"], viaDirectory.Errors.Keys);
        var role = await Directory.FindAsync("Lab Technician", None);
        Assert.Equal((1, Operations.Retrieve), (role!.Holders, role.Granted(Resource.Visit)));
    }

    [Fact]
    public async Task RenameAsync_RoleWithRightsAndHolders_MovesTheMatrixRowAndRenewsTheHoldersStamps()
    {
        var status = _db.Get<AccountStatusStore>();
        await Service.CreateAsync(TestUser.Admin, "Lab Technician", None);
        await Service.GrantAsync(TestUser.Admin, "Lab Technician", Resource.Visit, Operations.Create | Operations.Retrieve, None);
        await Service.GrantAsync(TestUser.Admin, "Lab Technician", Resource.Patient, Operations.Retrieve, None);
        var holder = await _db.Get<IAccountDirectory>().CreateStaffAsync(AuditActor.System, TestAccounts.Staff("Lab Technician"), None);
        var bystander = await _db.Get<IAccountDirectory>().CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Nurse), None);
        var holderBefore = await status.GetAsync(holder.Id, None); // cached from here on
        var bystanderBefore = await status.GetAsync(bystander.Id, None);
        var matrixBefore = await _db.Get<IPermissionStore>().GetMatrixAsync(None); // cached from here on

        await Service.RenameAsync(TestUser.Admin, "Lab Technician", "Phlebotomist", None);

        var matrix = await _db.Get<IPermissionStore>().GetMatrixAsync(None);
        Assert.Equal(Operations.Create | Operations.Retrieve, matrixBefore.Granted("Lab Technician", Resource.Visit));
        Assert.Equal(Operations.Create | Operations.Retrieve, matrix.Granted("Phlebotomist", Resource.Visit));
        Assert.Equal(Operations.Retrieve, matrix.Granted("Phlebotomist", Resource.Patient));
        Assert.All(Enum.GetValues<Resource>(), r => Assert.Equal(Operations.None, matrix.Granted("Lab Technician", r)));
        Assert.NotEqual(holderBefore!.SecurityStamp, (await status.GetAsync(holder.Id, None))!.SecurityStamp);
        Assert.Equal(bystanderBefore!.SecurityStamp, (await status.GetAsync(bystander.Id, None))!.SecurityStamp);
        Assert.Equal(["Phlebotomist"], (await _db.Get<IAccountDirectory>().FindAsync(holder.Id, None))!.Roles);
    }

    [Fact]
    public async Task RenameAsync_HolderOfTheRenamedRole_KeepsItsRightsUnderTheNewName()
    {
        var access = _db.Get<AccessControl>();
        await Service.CreateAsync(TestUser.Admin, "Lab Technician", None);
        await Service.GrantAsync(TestUser.Admin, "Lab Technician", Resource.Visit, Operations.Retrieve, None);
        var before = await access.ScopeAsync(TestUser.InRoles("Lab Technician"), Resource.Visit, Operations.Retrieve, None);

        await Service.RenameAsync(TestUser.Admin, "Lab Technician", "Phlebotomist", None);

        Assert.Equal(AccessScope.AllRecords, before);
        Assert.Equal(AccessScope.AllRecords, await access.ScopeAsync(TestUser.InRoles("Phlebotomist"), Resource.Visit, Operations.Retrieve, None));
        Assert.Equal(AccessScope.None, await access.ScopeAsync(TestUser.InRoles("Lab Technician"), Resource.Visit, Operations.Retrieve, None));
    }

    [Fact]
    public async Task RenameAsync_DirectoryGivenTheNameInAnotherCase_StillMovesTheMatrixRow()
    {
        // The directory finds roles case-insensitively everywhere; its rename must then move the rights too, or they
        // are left behind under the old name for whoever creates a role of that name next.
        await Directory.CreateAsync(AuditActor.System, "Lab Technician", None);
        await Directory.GrantAsync(AuditActor.System, "Lab Technician", Resource.Visit, Operations.Retrieve, None);

        await Directory.RenameAsync(AuditActor.System, "lab technician", "Phlebotomist", None);
        var recreated = await Directory.CreateAsync(AuditActor.System, "Lab Technician", None);

        var matrix = await _db.Get<IPermissionStore>().GetMatrixAsync(None);
        Assert.Equal(
            (Operations.Retrieve, Operations.None, Operations.None), // under the new name, the old name, the recreated role
            (matrix.Granted("Phlebotomist", Resource.Visit), matrix.Granted("Lab Technician", Resource.Visit), recreated.Granted(Resource.Visit)));
    }

    [Fact]
    public async Task CreateAsync_NameOfADeletedRole_StartsWithNoRights()
    {
        await Service.CreateAsync(TestUser.Admin, "Lab Technician", None);
        await Service.GrantAsync(TestUser.Admin, "Lab Technician", Resource.Patient, Operations.All, None);
        await Service.DeleteAsync(TestUser.Admin, "Lab Technician", None);

        var recreated = await Service.CreateAsync(TestUser.Admin, "lab technician", None);

        Assert.Empty(recreated.Grants);
        Assert.Equal(Operations.None, (await _db.Get<IPermissionStore>().GetMatrixAsync(None)).Granted("lab technician", Resource.Patient));
    }

    [Theory]
    [InlineData(Operations.Create)]
    [InlineData(Operations.Update)]
    [InlineData(Operations.Delete)]
    [InlineData(Operations.All)]
    public async Task GrantAsync_AuditLogBeyondRetrieve_IsRefusedAndTheMatrixUnchanged(Operations operations)
    {
        var before = await DatabaseFingerprint.TakeAsync(_db);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Service.GrantAsync(TestUser.Admin, RoleNames.Nurse, Resource.AuditLog, operations, None));

        Assert.Equal(["operations"], refusal.Errors.Keys);
        Assert.Equal(before, await DatabaseFingerprint.TakeAsync(_db));
    }

    [Fact]
    public async Task GrantAsync_AuditLogRetrieve_IsGranted()
    {
        var role = await Service.GrantAsync(TestUser.Admin, RoleNames.Nurse, Resource.AuditLog, Operations.Retrieve, None);

        Assert.Equal(Operations.Retrieve, role.Granted(Resource.AuditLog));
        Assert.Equal(Operations.Retrieve, (await _db.Get<IPermissionStore>().GetMatrixAsync(None)).Granted(RoleNames.Nurse, Resource.AuditLog));
    }

    [Fact]
    public async Task GrantAsync_AuditLogEverythingWrittenThroughTheDirectory_IsStoredAsRetrieveOnly()
    {
        var role = await Directory.GrantAsync(AuditActor.System, RoleNames.Nurse, Resource.AuditLog, Operations.All, None);

        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        var row = await catalog.RolePermissions.SingleAsync(p => p.Role == RoleNames.Nurse && p.Resource == Resource.AuditLog);
        Assert.Equal(Operations.Retrieve, row.Operations);
        Assert.Equal(Operations.Retrieve, role.Granted(Resource.AuditLog));
        Assert.Equal(Operations.Retrieve, (await _db.Get<IPermissionStore>().GetMatrixAsync(None)).Granted(RoleNames.Nurse, Resource.AuditLog));
    }

    [Theory]
    [MemberData(nameof(SeededRoles))]
    public async Task RenameAndDeleteAsync_BuiltInRole_AreRefusedAndTheRoleStays(string role)
    {
        var before = await DatabaseFingerprint.TakeAsync(_db);

        var rename = await Assert.ThrowsAsync<ValidationFailedException>(() => Service.RenameAsync(TestUser.Admin, role, "Renamed Role", None));
        var delete = await Assert.ThrowsAsync<ValidationFailedException>(() => Service.DeleteAsync(TestUser.Admin, role.ToLowerInvariant(), None));

        Assert.Equal(["name"], rename.Errors.Keys);
        Assert.Equal(["name"], delete.Errors.Keys);
        Assert.Equal(before, await DatabaseFingerprint.TakeAsync(_db));
    }

    [Theory]
    [InlineData(Resource.Role, Operations.Create | Operations.Update | Operations.Delete)]
    [InlineData(Resource.Role, Operations.Create | Operations.Retrieve | Operations.Delete)]
    [InlineData(Resource.Role, Operations.None)]
    [InlineData(Resource.Account, Operations.Create | Operations.Update | Operations.Delete)]
    [InlineData(Resource.Account, Operations.Create | Operations.Retrieve | Operations.Delete)]
    [InlineData(Resource.Account, Operations.None)]
    public async Task GrantAsync_AdminLosingRetrieveOrUpdate_IsRefusedAndTheMatrixUnchanged(Resource resource, Operations operations)
    {
        var before = await DatabaseFingerprint.TakeAsync(_db);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Service.GrantAsync(TestUser.Admin, "admin", resource, operations, None));

        Assert.Equal(["operations"], refusal.Errors.Keys);
        Assert.Equal(before, await DatabaseFingerprint.TakeAsync(_db));
        Assert.Equal(Operations.All, (await _db.Get<IPermissionStore>().GetMatrixAsync(None)).Granted(RoleNames.Admin, resource));
    }

    [Theory]
    [InlineData(Resource.Role)]
    [InlineData(Resource.Account)]
    public async Task GrantAsync_AdminKeepingRetrieveAndUpdate_IsGranted(Resource resource)
    {
        var role = await Service.GrantAsync(TestUser.Admin, RoleNames.Admin, resource, Operations.Retrieve | Operations.Update, None);

        Assert.Equal(Operations.Retrieve | Operations.Update, role.Granted(resource));
    }

    [Fact]
    public async Task GrantAsync_UnknownRole_IsNotFound()
    {
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Service.GrantAsync(TestUser.Admin, "No Such Role", Resource.Visit, Operations.Retrieve, None));

        Assert.DoesNotContain("No Such Role", (await _db.Get<IPermissionStore>().GetMatrixAsync(None)).Roles);
    }

    private async Task<int> CountPermissionRowsAsync(string role)
    {
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        return (await catalog.RolePermissions.Select(p => p.Role).ToListAsync())
            .Count(stored => string.Equals(stored, role, StringComparison.OrdinalIgnoreCase));
    }

    public sealed class OnSqlite() : RoleDirectoryTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : RoleDirectoryTests(TestProvider.Postgres);
}
