using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Validation;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Data.Accounts;

/// <summary>
/// Accounts through ASP.NET Core Identity, one scope (and so one catalog context) per operation. Changes that could
/// leave the clinic without an administrator run in one transaction that first takes a write lock on the Admin role
/// row, so two admins demoting each other at the same moment cannot both succeed. The scope's catalog context, which
/// Identity's managers write through, names the actor of each change.
/// </summary>
internal sealed class AccountDirectory(
    IServiceScopeFactory scopes,
    IDbContextFactory<CatalogDbContext> catalog,
    AccountStatusStore status,
    TimeProvider clock) : IAccountDirectory
{
    public async Task<IReadOnlyList<AccountDto>> ListStaffAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var users = await context.Users.AsNoTracking().Where(u => u.PatientId == null).OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var roles = await RolesByUserAsync(context, users.Select(u => u.Id).ToList(), cancellationToken);
        return users.Select(u => ToDto(u, roles[u.Id].ToList())).ToList();
    }

    public async Task<AccountDto?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var user = await context.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        return user is null ? null : ToDto(user, (await RolesByUserAsync(context, [id], cancellationToken))[id].ToList());
    }

    public async Task<AccountDto?> FindForPatientAsync(Guid patientId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var user = await context.Users.AsNoTracking().FirstOrDefaultAsync(u => u.PatientId == patientId, cancellationToken);
        return user is null ? null : ToDto(user, (await RolesByUserAsync(context, [user.Id], cancellationToken))[user.Id].ToList());
    }

    public async Task<bool> EmailInUseAsync(string email, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.FindByEmailAsync(email) is not null || await users.FindByNameAsync(email) is not null;
    }

    public Task<AccountDto> CreateStaffAsync(AuditActor actor, StaffAccountInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CreateAsync(actor, input.Email!, input.Password!, input.DisplayName, input.Role!, patientId: null, cancellationToken);
    }

    public Task<AccountDto> CreatePatientAccountAsync(
        AuditActor actor, string email, string password, string displayName, Guid patientId, CancellationToken cancellationToken) =>
        CreateAsync(actor, email, password, displayName, RoleNames.Patient, patientId, cancellationToken);

    public async Task<AccountDto> ChangeRoleAsync(AuditActor actor, string id, string role, CancellationToken cancellationToken)
    {
        await ChangeAsync(actor, id, async (users, user, context) =>
        {
            var normalized = role.ToUpperInvariant();
            var roleName = await context.Roles.Where(r => r.NormalizedName == normalized).Select(r => r.Name)
                .FirstOrDefaultAsync(cancellationToken)
                ?? throw new ValidationFailedException("role", "There is no role with this name.");
            if (!string.Equals(roleName, RoleNames.Admin, StringComparison.OrdinalIgnoreCase))
            {
                await EnsureAnotherActiveAdminAsync(context, user.Id, cancellationToken);
            }

            Succeeded(await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user)), "role");
            Succeeded(await users.AddToRoleAsync(user, roleName), "role");
        }, cancellationToken);
        return (await FindAsync(id, cancellationToken))!;
    }

    public async Task<AccountDto> SetLockedAsync(AuditActor actor, string id, bool locked, CancellationToken cancellationToken)
    {
        await ChangeAsync(actor, id, async (users, user, context) =>
        {
            if (locked)
            {
                await EnsureAnotherActiveAdminAsync(context, user.Id, cancellationToken);
                Succeeded(await users.SetLockoutEnabledAsync(user, true), "id");
                Succeeded(await users.SetLockoutEndDateAsync(user, AccountLock.ByAdministrator), "id");
            }
            else
            {
                Succeeded(await users.SetLockoutEndDateAsync(user, null), "id");
                Succeeded(await users.ResetAccessFailedCountAsync(user), "id");
            }
        }, cancellationToken);
        return (await FindAsync(id, cancellationToken))!;
    }

    public Task ResetPasswordAsync(AuditActor actor, string id, string password, CancellationToken cancellationToken) =>
        ChangeAsync(actor, id, async (users, user, _) =>
        {
            if (await users.HasPasswordAsync(user))
            {
                Succeeded(await users.RemovePasswordAsync(user), "password");
            }

            Succeeded(await users.AddPasswordAsync(user, password), "password");
            Succeeded(await users.ResetAccessFailedCountAsync(user), "password");
        }, cancellationToken);

    public Task DeleteAsync(AuditActor actor, string id, CancellationToken cancellationToken) =>
        ChangeAsync(actor, id, async (users, user, context) =>
        {
            await EnsureAnotherActiveAdminAsync(context, user.Id, cancellationToken);

            // Removed one by one rather than by the database's cascade, so each leaves its own audit entry.
            context.UserRoles.RemoveRange(await context.UserRoles.Where(x => x.UserId == user.Id).ToListAsync(cancellationToken));
            context.UserClaims.RemoveRange(await context.UserClaims.Where(x => x.UserId == user.Id).ToListAsync(cancellationToken));
            context.UserLogins.RemoveRange(await context.UserLogins.Where(x => x.UserId == user.Id).ToListAsync(cancellationToken));
            context.UserTokens.RemoveRange(await context.UserTokens.Where(x => x.UserId == user.Id).ToListAsync(cancellationToken));
            context.UserPasskeys.RemoveRange(await context.UserPasskeys.Where(x => x.UserId == user.Id).ToListAsync(cancellationToken));
            Succeeded(await users.DeleteAsync(user), "id");
        }, cancellationToken, deletes: true);

    private Task<AccountDto> CreateAsync(
        AuditActor actor, string email, string password, string? displayName, string role, Guid? patientId, CancellationToken cancellationToken) =>
        // One transaction: an account never exists without its role.
        InTransactionAsync(actor, async (services, context) =>
        {
            var users = services.GetRequiredService<UserManager<ApplicationUser>>();
            var normalized = role.ToUpperInvariant();
            var roleName = await context.Roles.Where(r => r.NormalizedName == normalized).Select(r => r.Name)
                .FirstOrDefaultAsync(cancellationToken)
                ?? throw new ValidationFailedException("role", "There is no role with this name.");

            var user = new ApplicationUser
            {
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                DisplayName = displayName,
                PatientId = patientId,
            };

            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                throw created.Errors.Any(e => e.Code is "DuplicateUserName" or "DuplicateEmail")
                    ? new ValidationFailedException("email", "An account with this e-mail already exists.")
                    : new ValidationFailedException("password", string.Join(" ", created.Errors.Select(e => e.Description)));
            }

            Succeeded(await users.AddToRoleAsync(user, roleName), "role");
            return ToDto(user, [roleName]);
        }, cancellationToken);

    /// <summary>Runs a change on one account in a transaction that holds the Admin lock, then renews its security stamp.</summary>
    private async Task ChangeAsync(
        AuditActor actor,
        string id,
        Func<UserManager<ApplicationUser>, ApplicationUser, CatalogDbContext, Task> change,
        CancellationToken cancellationToken,
        bool deletes = false)
    {
        await using var cached = await status.BeginChangeAsync([id], cancellationToken);
        await InTransactionAsync(actor, async (services, context) =>
        {
            var users = services.GetRequiredService<UserManager<ApplicationUser>>();

            // A write first: it takes the write lock (SQLite) or the Admin row's lock (server databases) before anything is read.
            var admin = RoleNames.Admin.ToUpperInvariant();
            await context.Roles.Where(r => r.NormalizedName == admin)
                .ExecuteUpdateAsync(r => r.SetProperty(x => x.ConcurrencyStamp, x => x.ConcurrencyStamp), cancellationToken);

            var user = await users.FindByIdAsync(id) ?? throw new RecordNotFoundException(Resource.Account);
            await change(users, user, context);
            if (!deletes)
            {
                Succeeded(await users.UpdateSecurityStampAsync(user), "id");
            }

            return user.Id;
        }, cancellationToken);
        await cached.CompleteAsync();
    }

    /// <summary>
    /// Runs <paramref name="work"/> with Identity's managers in one transaction of the catalog, under the provider's
    /// execution strategy: each attempt has a scope of its own (a fresh context and managers), so a retry after a
    /// transient failure starts from nothing, and a commit whose outcome is unknown is settled by the audit chain (the
    /// attempt's last entry is stored exactly when it committed), so an account is never created twice.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(
        AuditActor actor, Func<IServiceProvider, CatalogDbContext, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var outer = await catalog.CreateDbContextAsync(cancellationToken);
        return await outer.Database.CreateExecutionStrategy().ExecuteAsync(
            new Attempt<T>(),
            async (_, attempt, token) =>
            {
                attempt.LastEntry = null;
                await using var scope = scopes.CreateAsyncScope();
                var context = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
                context.Actor = actor;
                await using var transaction = await context.Database.BeginTransactionAsync(token);
                attempt.Result = await work(scope.ServiceProvider, context);
                attempt.LastEntry = AuditChain.LastAppended(context);
                await transaction.CommitAsync(token);
                return attempt.Result;
            },
            async (_, attempt, token) => new ExecutionResult<T>(
                attempt.LastEntry is { } last && await AuditChain.IsCommittedAsync(outer, last, token), attempt.Result!),
            cancellationToken);
    }

    private sealed class Attempt<T>
    {
        public T? Result { get; set; }

        public AuditEntry? LastEntry { get; set; }
    }

    private static async Task EnsureAnotherActiveAdminAsync(CatalogDbContext context, string userId, CancellationToken cancellationToken)
    {
        var admin = RoleNames.Admin.ToUpperInvariant();
        var closed = AccountLock.AdministratorLockFrom;
        var activeAdmins = await (
            from user in context.Users
            join userRole in context.UserRoles on user.Id equals userRole.UserId
            join role in context.Roles on userRole.RoleId equals role.Id
            where role.NormalizedName == admin && (user.LockoutEnd == null || user.LockoutEnd < closed)
            select user.Id).ToListAsync(cancellationToken);

        if (activeAdmins.Contains(userId) && activeAdmins.Count <= 1)
        {
            throw new ValidationFailedException("id", AccountRules.LastAdministrator);
        }
    }

    private static async Task<ILookup<string, string>> RolesByUserAsync(
        CatalogDbContext context, IReadOnlyList<string> userIds, CancellationToken cancellationToken) =>
        (await (
            from userRole in context.UserRoles
            join role in context.Roles on userRole.RoleId equals role.Id
            where userIds.Contains(userRole.UserId)
            select new { userRole.UserId, role.Name }).ToListAsync(cancellationToken))
        .ToLookup(x => x.UserId, x => x.Name!);

    private AccountDto ToDto(ApplicationUser user, IReadOnlyList<string> roles) => new(
        user.Id,
        user.Email ?? user.UserName ?? "",
        user.DisplayName,
        roles,
        user.LockoutEnd is { } end && end > clock.GetUtcNow(),
        user.TwoFactorEnabled,
        user.PatientId);

    private static void Succeeded(IdentityResult result, string field)
    {
        if (!result.Succeeded)
        {
            throw new ValidationFailedException(field, string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
