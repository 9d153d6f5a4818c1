namespace MedicalPortal.Core.Accounts;

/// <summary>An account as the admin screens and services see it. Never carries a password or a key.</summary>
public sealed record AccountDto(
    string Id,
    string Email,
    string? DisplayName,
    IReadOnlyList<string> Roles,
    bool IsLockedOut,
    bool TwoFactorEnabled,
    Guid? PatientId);
