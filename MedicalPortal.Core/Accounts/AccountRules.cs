using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Accounts;

/// <summary>
/// Rules for accounts. Identity checks passwords again when it stores the hash, through the same
/// <see cref="PasswordPolicy"/>, so both say the same.
/// </summary>
public static class AccountRules
{
    /// <summary>NIST SP 800-63B: length protects; composition rules mostly annoy.</summary>
    public const int PasswordMinLength = 12;

    public const int PasswordMaxLength = 128;

    public const string LastAdministrator = "At least one active administrator must remain.";

    public static void RequiredEmail(ValidationErrors errors, string field, string? email)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (email is null)
        {
            errors.Add(field, "E-mail is required.");
            return;
        }

        FieldRules.OptionalEmail(errors, field, email);
    }

    /// <summary>The <see cref="PasswordPolicy"/> for the account of <paramref name="email"/> and <paramref name="name"/>.</summary>
    public static void Password(ValidationErrors errors, string field, string? password, string? email, string? name)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (PasswordPolicy.Problem(password, email, name) is { } problem)
        {
            errors.Add(field, problem);
        }
    }

    public static ValidationErrors ValidateStaff(StaffAccountInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();
        RequiredEmail(errors, "email", input.Email);
        FieldRules.RequiredName(errors, "displayName", "Name", input.DisplayName);
        StaffRole(errors, "role", input.Role);
        Password(errors, "password", input.Password, input.Email, input.DisplayName);
        return errors;
    }

    /// <summary>Staff get any role but Patient: that one belongs to self-registered accounts linked to a record.</summary>
    public static void StaffRole(ValidationErrors errors, string field, string? role)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (role is null)
        {
            errors.Add(field, "Choose a role.");
        }
        else if (string.Equals(role, RoleNames.Patient, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(field, "The Patient role belongs to patients' own accounts; choose a staff role.");
        }
    }
}
