using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace MedicalPortal.Core.Patients;

/// <summary>
/// Medical record numbers. A clinic may bring its own (4 to 20 letters, digits, hyphens); otherwise the server assigns
/// <c>M</c> + 9 random digits + a Luhn check digit, which catches a mistyped digit and cannot be enumerated.
/// Uniqueness across all shards is enforced by the catalog, not by the randomness.
/// </summary>
public static partial class Mrn
{
    public static bool IsWellFormed(string mrn) => Format().IsMatch(mrn);

    public static string Generate() => Generate(RandomNumberGenerator.GetInt32);

    /// <summary>An MRN from the digits <paramref name="nextDigit"/> draws (given 10, a digit 0-9): repeatable data sets.</summary>
    public static string Generate(Func<int, int> nextDigit)
    {
        ArgumentNullException.ThrowIfNull(nextDigit);
        Span<char> digits = stackalloc char[10];
        for (var i = 0; i < 9; i++)
        {
            digits[i] = (char)('0' + nextDigit(10));
        }

        digits[9] = LuhnCheckDigit(digits[..9]);
        return string.Concat("M", digits);
    }

    /// <summary>True for a server-assigned MRN whose check digit matches.</summary>
    public static bool HasValidCheckDigit(string mrn) =>
        mrn.Length == 11 && mrn[0] == 'M' && !mrn.AsSpan(1).ContainsAnyExceptInRange('0', '9')
        && LuhnCheckDigit(mrn.AsSpan(1, 9)) == mrn[10];

    private static char LuhnCheckDigit(ReadOnlySpan<char> payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var digit = payload[payload.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{3,19}\\z")]
    private static partial Regex Format();
}
