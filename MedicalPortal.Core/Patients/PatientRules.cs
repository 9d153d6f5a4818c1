using System.Text.RegularExpressions;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Patients;

/// <summary>What a clinic expects of a patient's registration data.</summary>
public static partial class PatientRules
{
    public const int OldestAgeYears = 130;

    /// <summary>USPS codes of the states, the District of Columbia and the inhabited territories.</summary>
    public static IReadOnlySet<string> StateCodes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
        "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
        "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
        "AS", "GU", "MP", "PR", "VI",
    };

    /// <summary>Validates cleaned input (<see cref="PatientInput.Cleaned"/>) against today's date in the clinic.</summary>
    public static ValidationErrors Validate(PatientInput input, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();

        if (input.Mrn is not null && !Mrn.IsWellFormed(input.Mrn))
        {
            errors.Add("mrn", "MRN must be 4 to 20 letters, digits or hyphens, starting with a letter or digit.");
        }

        FieldRules.RequiredName(errors, "givenName", "Given name", input.GivenName);
        FieldRules.RequiredName(errors, "familyName", "Family name", input.FamilyName);

        if (input.BirthDate is not { } birthDate)
        {
            errors.Add("birthDate", "Birth date is required.");
        }
        else if (birthDate > today)
        {
            errors.Add("birthDate", "Birth date cannot be in the future.");
        }
        else if (birthDate < today.AddYears(-OldestAgeYears))
        {
            errors.Add("birthDate", $"Birth date cannot be more than {OldestAgeYears} years ago.");
        }

        if (input.Sex is not { } sex)
        {
            errors.Add("sex", "Sex is required (female, male, other or unknown).");
        }
        else if (!Enum.IsDefined(sex))
        {
            errors.Add("sex", "Sex must be female, male, other or unknown.");
        }

        FieldRules.OptionalPhone(errors, "phone", input.Phone);
        FieldRules.OptionalEmail(errors, "email", input.Email);
        FieldRules.OptionalText(errors, "addressLine", "Address", input.AddressLine, FieldRules.LineMaxLength);
        FieldRules.OptionalText(errors, "city", "City", input.City, FieldRules.NameMaxLength);

        if (input.State is not null && !StateCodes.Contains(input.State))
        {
            errors.Add("state", "State must be a two-letter USPS code such as MA or CA.");
        }

        if (input.PostalCode is not null && !ZipCode().IsMatch(input.PostalCode))
        {
            errors.Add("postalCode", "ZIP code must be 5 digits, or ZIP+4 such as 02139-4307.");
        }

        return errors;
    }

    [GeneratedRegex(@"^[0-9]{5}(-[0-9]{4})?\z")]
    private static partial Regex ZipCode();
}
