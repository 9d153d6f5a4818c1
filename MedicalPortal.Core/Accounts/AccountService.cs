using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Accounts;

/// <summary>
/// Accounts. Staff accounts are opened, re-roled, reset and deleted here; any account, a patient's online account
/// included, can be locked and unlocked (a patient's taken-over account must be stoppable). Every operation authorizes
/// first.
/// </summary>
public sealed class AccountService(IAccountDirectory accounts, AccessControl access, IAccessLog accessLog)
{
    public async Task<IReadOnlyList<AccountDto>> ListStaffAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Account, Operations.Retrieve, cancellationToken);
        return await accounts.ListStaffAsync(cancellationToken);
    }

    /// <summary>
    /// The online account linked to patient <paramref name="patientId"/>'s record, or null when the patient has none.
    /// Its e-mail is the patient's, so the read is recorded (in the patient's shard) before it is returned.
    /// </summary>
    public async Task<AccountDto?> FindForPatientAsync(ICurrentUser user, Guid patientId, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Account, Operations.Retrieve, cancellationToken);
        var account = await accounts.FindForPatientAsync(patientId, cancellationToken);
        if (account is not null)
        {
            await accessLog.RecordAsync(new AccessRecord(AuditActor.Of(user), AuditAction.Read, Resource.Account, account.Id, [patientId]), cancellationToken);
        }

        return account;
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

    /// <summary>Locks a staff or patient account: its sessions and tokens stop, and it cannot sign in until unlocked.</summary>
    public async Task<AccountDto> LockAsync(ICurrentUser user, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await access.DemandAsync(user, Resource.Account, Operations.Update, cancellationToken);
        if (string.Equals(user.AccountId, id, StringComparison.Ordinal))
        {
            throw new ValidationFailedException("id", "You cannot lock your own account.");
        }

        _ = await AccountAsync(id, cancellationToken);
        return await accounts.SetLockedAsync(AuditActor.Of(user), id, locked: true, cancellationToken);
    }

    /// <summary>Unlocks a staff or patient account, whether an administrator or failed sign-ins locked it.</summary>
    public async Task<AccountDto> UnlockAsync(ICurrentUser user, string id, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Account, Operations.Update, cancellationToken);
        _ = await AccountAsync(id, cancellationToken);
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

    private async Task<AccountDto> AccountAsync(string id, CancellationToken cancellationToken) =>
        await accounts.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.Account);

    /// <summary>Role, password and deletion stay with staff accounts: a patient's account is answered as not found.</summary>
    private async Task<AccountDto> StaffAccountAsync(string id, CancellationToken cancellationToken)
    {
        var account = await AccountAsync(id, cancellationToken);
        return account.PatientId is not null ? throw new RecordNotFoundException(Resource.Account) : account;
    }
}
