using System.Text.RegularExpressions;

namespace MedicalPortal.Core.Visits;

/// <summary>
/// ICD-10(-CM) code format: a letter, a digit, a digit or letter (C4A, M1A), then optionally a dot and up to four
/// more characters (J45.909, S52.521A). A code typed without its dot (E119) is accepted and written as E11.9.
/// The format is checked, not membership in a particular code release.
/// </summary>
public static partial class Icd10
{
    public static bool IsWellFormed(string code) => Format().IsMatch(code);

    public static string Normalize(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var upper = code.Trim().ToUpperInvariant();
        return upper.Length is > 3 and <= 7 && !upper.Contains('.', StringComparison.Ordinal)
            ? string.Concat(upper.AsSpan(0, 3), ".", upper.AsSpan(3))
            : upper;
    }

    [GeneratedRegex(@"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?\z")]
    private static partial Regex Format();
}
