using System.Text.RegularExpressions;

namespace MedicalPortal.Core.Accounts;

/// <summary>
/// What makes a password acceptable, in one place. Core's rules (<see cref="AccountRules.Password"/>) and Identity's
/// password validator both ask here, so a refused password gets the same message on every path: self-registration,
/// staff accounts, an administrator's reset, the account pages' change, reset and set, <c>accounts add</c> and the
/// API. NIST SP 800-63B: a length and no composition rules, but never a password that attackers try first: a common
/// or breached one, one character or a short group repeated, or one made of the account's own e-mail address and name.
/// Messages never repeat the password.
/// </summary>
public static partial class PasswordPolicy
{
    /// <summary>The longest group whose repetition counts as repeating (<c>abcdabcdabcd</c>).</summary>
    private const int LongestRepeatedGroup = 4;

    /// <summary>Shorter pieces of an e-mail address or a name identify nobody (and turn up inside ordinary words).</summary>
    private const int ShortestOwnDetail = 3;

    public static string TooShort { get; } =
        $"Choose a password of at least {AccountRules.PasswordMinLength} characters; a short sentence works well.";

    public static string TooLong { get; } = $"A password can have at most {AccountRules.PasswordMaxLength} characters.";

    public static string Repeated { get; } =
        "A password that repeats one character or a short group (such as aaaa or abcabc) is guessed at once; choose another.";

    public static string OwnDetails { get; } =
        $"Your e-mail address and name are what an attacker tries first: a password needs {AccountRules.PasswordMinLength} characters without them.";

    public static string Common { get; } =
        "This password is on a list of common and breached passwords that attackers try first; choose another. A short sentence of your own works well.";

    /// <summary>
    /// Why <paramref name="password"/> is refused for the account of <paramref name="email"/> and
    /// <paramref name="name"/> (either may be unknown), or null when it is acceptable. The first rule it breaks decides.
    /// </summary>
    public static string? Problem(string? password, string? email, string? name)
    {
        if (string.IsNullOrEmpty(password) || password.Length < AccountRules.PasswordMinLength)
        {
            return TooShort;
        }

        if (password.Length > AccountRules.PasswordMaxLength)
        {
            return TooLong;
        }

        if (IsRepetition(password))
        {
            return Repeated;
        }

        if (IsMadeOfOwnDetails(password, email, name))
        {
            return OwnDetails;
        }

        return CommonPasswords.Contains(password) ? Common : null;
    }

    /// <summary>Whether the password is one group of up to four characters over and over, in any case.</summary>
    private static bool IsRepetition(string password)
    {
        for (var group = 1; group <= LongestRepeatedGroup; group++)
        {
            var repeats = true;
            for (var i = group; i < password.Length && repeats; i++)
            {
                repeats = char.ToUpperInvariant(password[i]) == char.ToUpperInvariant(password[i - group]);
            }

            if (repeats)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An attacker knows the account's e-mail address and name, so they do not count: without every occurrence of the
    /// address, its part before the @, and the words of that part and of the name (in any case), the password must still
    /// have the minimum length. <c>Maya.Chen2026!</c> for maya.chen@clinic.test is refused; a sentence that happens to
    /// hold the first name is not.
    /// </summary>
    private static bool IsMadeOfOwnDetails(string password, string? email, string? name)
    {
        var rest = password;
        foreach (var detail in OwnDetailsOf(email, name).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(d => d.Length))
        {
            rest = rest.Replace(detail, "", StringComparison.OrdinalIgnoreCase);
        }

        return rest.Length < AccountRules.PasswordMinLength;
    }

    private static IEnumerable<string> OwnDetailsOf(string? email, string? name)
    {
        var address = email?.Trim() ?? "";
        var local = address.Split('@')[0];
        return new[] { address, local }.Concat(Words(local)).Concat(Words(name ?? "")).Where(d => d.Length >= ShortestOwnDetail);
    }

    private static IEnumerable<string> Words(string text) => Word().Matches(text).Select(m => m.Value);

    [GeneratedRegex(@"[\p{L}\p{Nd}]+")]
    private static partial Regex Word();
}
