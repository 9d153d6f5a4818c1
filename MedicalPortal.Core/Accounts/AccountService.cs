using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Accounts;

/// <summary>Staff accounts: what admins open, re-role, lock and reset. Every operation authorizes first.</summary>
public sealed class AccountService(IAccountDirectory accounts, AccessControl access)
{
    public async Task<IReadOnlyList<AccountDto>> ListStaffAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Account, Operations.Retrieve, cancellationToken);
        return await accounts.ListStaffAsync(cancellationToken);
    }

    public async Task<AccountDto> CreateStaffAsync(ICurrentUser user, StaffAccountInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await access.DemandAsync(user, Resource.Account, Operations.Create, cancellationToken);
        var cleaned = input.Cleaned();
        AccountRules.ValidateStaff(cleaned).ThrowIfInvalid();
        return await accounts.CreateStaffAsync(AuditActor.Of(user), cleaned, cancellationToken);
    }

    public async Task<AccountDto> ChangeRoleAsync(ICurrentUser user, string id, string? role, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Account, Operations.Update, cancellationToken);
        var errors = new ValidationErrors();
        AccountRules.StaffRole(errors, "role", FieldRules.Clean(role));
        errors.ThrowIfInvalid();
        _ = await StaffAccountAsync(id, cancellationToken);
        return await accounts.ChangeRoleAsync(AuditActor.Of(user), id, role!.Trim(), cancellationToken);
    }

    public async Task<AccountDto> LockAsync(ICurrentUser user, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await access.DemandAsync(user, Resource.Account, Operations.Update, cancellationToken);
        if (string.Equals(user.AccountId, id, StringComparison.Ordinal))
        {
            throw new ValidationFailedException("id", "You cannot lock your own account.");
        }

        _ = await StaffAccountAsync(id, cancellationToken);
        return await accounts.SetLockedAsync(AuditActor.Of(user), id, locked: true, cancellationToken);
    }

    public async Task<AccountDto> UnlockAsync(ICurrentUser user, string id, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Account, Operations.Update, cancellationToken);
        _ = await StaffAccountAsync(id, cancellationToken);
        return await accounts.SetLockedAsync(AuditActor.Of(user), id, locked: false, cancellationToken);
    }

    public async Task ResetPasswordAsync(ICurrentUser user, string id, string? password, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Account, Operations.Update, cancellationToken);
        var account = await StaffAccountAsync(id, cancellationToken);
        var errors = new ValidationErrors();
        AccountRules.Password(errors, "password", password, account.Email, account.DisplayName);
        errors.ThrowIfInvalid();
        await accounts.ResetPasswordAsync(AuditActor.Of(user), id, password!, cancellationToken);
    }

    /// <summary>Deletes a staff account. Locking is usually the better choice: it can be undone.</summary>
    public async Task DeleteAsync(ICurrentUser user, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await access.DemandAsync(user, Resource.Account, Operations.Delete, cancellationToken);
        if (string.Equals(user.AccountId, id, StringComparison.Ordinal))
        {
            throw new ValidationFailedException("id", "You cannot delete your own account.");
        }

        _ = await StaffAccountAsync(id, cancellationToken);
        await accounts.DeleteAsync(AuditActor.Of(user), id, cancellationToken);
    }

    private async Task<AccountDto> StaffAccountAsync(string id, CancellationToken cancellationToken)
    {
        var account = await accounts.FindAsync(id, cancellationToken);
        return account is null || account.PatientId is not null
            ? throw new RecordNotFoundException(Resource.Account)
            : account;
    }
}
