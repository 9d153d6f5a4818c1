using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;

namespace MedicalPortal.Core.Tests.Accounts;

/// <summary>Accounts in memory: what <see cref="AccountService"/> asked for, and every change with its actor.</summary>
internal sealed class FakeAccountDirectory : IAccountDirectory
{
    private readonly Dictionary<string, AccountDto> _accounts = new(StringComparer.Ordinal);

    /// <summary>How often the directory was asked anything: zero after a refusal that came first.</summary>
    public int Calls { get; private set; }

    /// <summary>Every change, as "{actor account id} {what} {account id}".</summary>
    public List<string> Changes { get; } = [];

    public AccountDto AddStaff(string id, string role) => Add(new AccountDto(id, $"{id}@clinic.test", "Testy Staffmember", [role], false, false, null));

    public AccountDto AddPatient(string id, Guid patientId) =>
        Add(new AccountDto(id, $"{id}@example.test", "Testy Patient", [RoleNames.Patient], false, false, patientId));

    public AccountDto? Stored(string id) => _accounts.GetValueOrDefault(id);

    public Task<IReadOnlyList<AccountDto>> ListStaffAsync(CancellationToken cancellationToken) =>
        Answer<IReadOnlyList<AccountDto>>([.. _accounts.Values.Where(a => a.PatientId is null)]);

    public Task<AccountDto?> FindAsync(string id, CancellationToken cancellationToken) => Answer(_accounts.GetValueOrDefault(id));

    public Task<AccountDto?> FindForPatientAsync(Guid patientId, CancellationToken cancellationToken) =>
        Answer(_accounts.Values.SingleOrDefault(a => a.PatientId == patientId));

    public Task<bool> EmailInUseAsync(string email, CancellationToken cancellationToken) =>
        Answer(_accounts.Values.Any(a => string.Equals(a.Email, email, StringComparison.OrdinalIgnoreCase)));

    public Task<AccountDto> CreateStaffAsync(AuditActor actor, StaffAccountInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Change(actor, "creates", Add(new AccountDto(input.Email!, input.Email!, input.DisplayName, [input.Role!], false, false, null)));
    }

    public Task<AccountDto> CreatePatientAccountAsync(
        AuditActor actor, string email, string password, string displayName, Guid patientId, CancellationToken cancellationToken) =>
        Change(actor, "creates", Add(new AccountDto(email, email, displayName, [RoleNames.Patient], false, false, patientId)));

    public Task<AccountDto> ChangeRoleAsync(AuditActor actor, string id, string role, CancellationToken cancellationToken) =>
        Change(actor, "re-roles", Add(Existing(id) with { Roles = [role] }));

    public Task<AccountDto> SetLockedAsync(AuditActor actor, string id, bool locked, CancellationToken cancellationToken) =>
        Change(actor, locked ? "locks" : "unlocks", Add(Existing(id) with { IsLockedOut = locked }));

    public Task ResetPasswordAsync(AuditActor actor, string id, string password, CancellationToken cancellationToken) =>
        Change(actor, "resets", Existing(id));

    public Task DeleteAsync(AuditActor actor, string id, CancellationToken cancellationToken)
    {
        var account = Existing(id);
        _accounts.Remove(id);
        return Change(actor, "deletes", account);
    }

    private AccountDto Add(AccountDto account)
    {
        _accounts[account.Id] = account;
        return account;
    }

    private AccountDto Existing(string id) => _accounts.GetValueOrDefault(id) ?? throw new RecordNotFoundException(Resource.Account);

    private Task<T> Answer<T>(T value)
    {
        Calls++;
        return Task.FromResult(value);
    }

    private Task<AccountDto> Change(AuditActor actor, string what, AccountDto account)
    {
        Changes.Add($"{actor.AccountId} {what} {account.Id}");
        return Answer(account);
    }
}
