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
    /// The smallest string greater, in code point order (<see cref="CodePointComparer"/>, the databases' binary order),
    /// than every string starting with <paramref name="prefix"/>: a prefix match is then the index-friendly range
    /// <c>prefix &lt;= key &lt; PrefixEnd(prefix)</c> on every provider.
    /// </summary>
    public static string PrefixEnd(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var runes = prefix.EnumerateRunes().ToList();
        for (var i = runes.Count - 1; i >= 0; i--)
        {
            var next = runes[i].Value + 1;
            if (next is >= 0xD800 and <= 0xDFFF)
            {
                next = 0xE000; // Surrogate code points are not characters; the next one is U+E000.
            }

            if (next <= 0x10FFFF)
            {
                var builder = new StringBuilder();
                foreach (var rune in runes.Take(i))
                {
                    builder.Append(rune.ToString());
                }

                return builder.Append(new Rune(next).ToString()).ToString();
            }
        }

        // Only U+10FFFF characters: nothing sorts after them but longer strings of them.
        return prefix + char.ConvertFromUtf32(0x10FFFF);
    }
}
