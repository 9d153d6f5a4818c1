using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Accounts;

/// <summary>What an admin enters to open a staff account.</summary>
public sealed record StaffAccountInput
{
    public string? Email { get; init; }

    public string? DisplayName { get; init; }

    public string? Role { get; init; }

    /// <summary>The first password; the staff member changes it under "My account".</summary>
    public string? Password { get; init; }

    public StaffAccountInput Cleaned() => this with
    {
        Email = FieldRules.Clean(Email)?.ToLowerInvariant(),
        DisplayName = FieldRules.Clean(DisplayName),
        Role = FieldRules.Clean(Role),
    };
}
