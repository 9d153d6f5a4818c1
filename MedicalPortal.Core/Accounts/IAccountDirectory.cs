using MedicalPortal.Core.Audit;

namespace MedicalPortal.Core.Accounts;

/// <summary>
/// Accounts (ASP.NET Core Identity in the catalog). Callers have already authorized. Implementations keep one
/// invariant atomically, whatever runs concurrently: at least one unlocked account holds the Admin role.
/// Every change that affects a session (role, lock, password) also renews the account's security stamp, which ends
/// its open sessions and tokens. Every change names its actor.
/// </summary>
public interface IAccountDirectory
{
    Task<IReadOnlyList<AccountDto>> ListStaffAsync(CancellationToken cancellationToken);

    Task<AccountDto?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>The account linked to a patient's record (at most one), or null.</summary>
    Task<AccountDto?> FindForPatientAsync(Guid patientId, CancellationToken cancellationToken);

    Task<bool> EmailInUseAsync(string email, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="Validation.ValidationFailedException"/> for a taken e-mail, an unknown role or a refused password.</summary>
    Task<AccountDto> CreateStaffAsync(AuditActor actor, StaffAccountInput input, CancellationToken cancellationToken);

    /// <summary>Creates the Patient-role account of a self-registered patient, linked to their record.</summary>
    Task<AccountDto> CreatePatientAccountAsync(
        AuditActor actor, string email, string password, string displayName, Guid patientId, CancellationToken cancellationToken);

    Task<AccountDto> ChangeRoleAsync(AuditActor actor, string id, string role, CancellationToken cancellationToken);

    Task<AccountDto> SetLockedAsync(AuditActor actor, string id, bool locked, CancellationToken cancellationToken);

    Task ResetPasswordAsync(AuditActor actor, string id, string password, CancellationToken cancellationToken);

    /// <summary>Deletes a staff account (its audit entries keep its id and name).</summary>
    Task DeleteAsync(AuditActor actor, string id, CancellationToken cancellationToken);
}
