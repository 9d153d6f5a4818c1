using System.Globalization;
using System.Text;

namespace MedicalPortal.Core.Patients;

/// <summary>
/// The form of a name that search matches and lists sort by: accents removed, upper case, single spaces.
/// "José" and "jose" find each other, and every shard sorts the same way.
/// </summary>
public static class NameKey
{
    public static string For(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var lastWasSpace = true;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            builder.Append(char.ToUpperInvariant(c));
            lastWasSpace = false;
        }

        return builder.ToString().TrimEnd().Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// The smallest string greater than every string starting with <paramref name="prefix"/>, so a prefix match is
    /// the index-friendly range <c>prefix &lt;= key &lt; PrefixEnd(prefix)</c> on every provider.
    /// </summary>
    public static string PrefixEnd(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] < char.MaxValue && !char.IsSurrogate(chars[i]))
            {
                chars[i]++;
                return new string(chars, 0, i + 1);
            }
        }

        return prefix + char.MaxValue;
    }
}
