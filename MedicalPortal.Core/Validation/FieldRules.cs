using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MedicalPortal.Core.Validation;

/// <summary>Rules shared by several records: text lengths, names, e-mail and phone formats.</summary>
public static partial class FieldRules
{
    public const int NameMaxLength = 100;
    public const int EmailMaxLength = 254;
    public const int LineMaxLength = 200;

    /// <summary>Trims, and turns blank into null, so optional fields are either absent or meaningful.</summary>
    public static string? Clean(string? value)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    public static void RequiredName(ValidationErrors errors, string field, string label, string? value)
    {
        if (value is null)
        {
            errors.Add(field, $"{label} is required.");
        }
        else if (value.Length > NameMaxLength)
        {
            errors.Add(field, $"{label} must be at most {NameMaxLength} characters.");
        }
        else if (!IsPersonName(value))
        {
            errors.Add(field, $"{label} may contain letters, spaces, hyphens, apostrophes and periods only.");
        }
    }

    public static void OptionalText(ValidationErrors errors, string field, string label, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            errors.Add(field, $"{label} must be at most {maxLength} characters.");
        }
    }

    public static void OptionalEmail(ValidationErrors errors, string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > EmailMaxLength || !Email().IsMatch(value))
        {
            errors.Add(field, "Enter an e-mail address such as name@example.com.");
        }
    }

    /// <summary>Phone numbers: an optional leading +, digits with spaces, dots, hyphens or parentheses, 7 to 15 digits (E.164).</summary>
    public static void OptionalPhone(ValidationErrors errors, string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        var digits = value.Count(char.IsAsciiDigit);
        if (!Phone().IsMatch(value) || digits is < 7 or > 15)
        {
            errors.Add(field, "Enter a phone number of 7 to 15 digits, such as +1 555 010 2030.");
        }
    }

    /// <summary>
    /// Letters (of any script, also outside the Basic Multilingual Plane), combining marks, spaces, hyphens,
    /// apostrophes and periods, starting with a letter. Checked per code point: .NET regular expressions see UTF-16
    /// halves, so <c>\p{L}</c> would refuse a letter written as a surrogate pair.
    /// </summary>
    private static bool IsPersonName(string value)
    {
        var first = true;
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var isLetter = category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
                or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;
            var isMark = category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            var isPunctuation = rune.Value is '\'' or '’' or '.' or '-' or ' ';
            if (first ? !isLetter : !(isLetter || isMark || isPunctuation))
            {
                return false;
            }

            first = false;
        }

        return !first;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+\z")]
    private static partial Regex Email();

    [GeneratedRegex(@"^\+?[0-9 ().-]+\z")]
    private static partial Regex Phone();
}
