using System.Text;
using MedicalPortal.Core.Patients;

namespace MedicalPortal.Core.Tests.Patients;

public sealed class CodePointComparerTests
{
    private const string Emoji = "\U0001F600"; // outside the BMP: a surrogate pair in UTF-16
    private const string Replacement = "\uFFFD";

    private static readonly string[] Samples =
    [
        "", "A", "AB", "B", "a", "Z", "É", "\u00FF", "\u0100", "\u07FF", "\u0800", "\uD7FF", "\uE000", "\uFB01",
        Replacement, "\uFFFF", "\U00010000", Emoji, "A" + Emoji, "A" + Replacement, "A\uFFFF", Emoji + "A", "\U0010FFFF",
    ];

    [Fact]
    public void Compare_EveryPairOfSamples_AgreesWithUtf8ByteOrder()
    {
        // Arrange
        var disagreements = new List<string>();
        var pairs = 0;

        // Act
        foreach (var x in Samples)
        {
            foreach (var y in Samples)
            {
                pairs++;
                var expected = Math.Sign(Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y)));
                var actual = Math.Sign(CodePointComparer.Instance.Compare(x, y));
                if (expected != actual)
                {
                    disagreements.Add($"{Escape(x)} vs {Escape(y)}: UTF-8 {expected}, comparer {actual}");
                }
            }
        }

        // Assert
        Assert.Equal(Samples.Length * Samples.Length, pairs);
        Assert.Empty(disagreements);
    }

    [Fact]
    public void Compare_SupplementaryCharacterAgainstReplacementCharacter_FollowsCodePointsNotUtf16()
    {
        // Arrange: U+1F600 > U+FFFD as code points and in UTF-8, but its high surrogate 0xD83D < 0xFFFD in UTF-16.
        var utf8 = Encoding.UTF8.GetBytes(Emoji).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(Replacement));
        var ordinalUtf16 = string.CompareOrdinal(Emoji, Replacement);

        // Act
        var codePoint = CodePointComparer.Instance.Compare(Emoji, Replacement);

        // Assert
        Assert.True(utf8 > 0);
        Assert.True(ordinalUtf16 < 0);
        Assert.True(codePoint > 0);
        Assert.True(CodePointComparer.Instance.Compare(Replacement, Emoji) < 0);
    }

    [Fact]
    public void Compare_SortingSamples_GivesTheUtf8ByteOrder()
    {
        // Arrange
        var byBytes = Samples
            .OrderBy(s => Convert.ToHexString(Encoding.UTF8.GetBytes(s)), StringComparer.Ordinal)
            .ToList();

        // Act
        var byComparer = Samples.Order(CodePointComparer.Instance).ToList();

        // Assert
        Assert.Equal(byBytes, byComparer);
    }

    [Fact]
    public void Compare_PrefixOfLongerString_SortsFirst()
    {
        // Act
        var order = CodePointComparer.Instance.Compare("SMIT", "SMITH");

        // Assert
        Assert.True(order < 0);
        Assert.True(CodePointComparer.Instance.Compare("SMITH", "SMIT") > 0);
    }

    [Fact]
    public void Compare_EqualAndNullStrings_AreOrderedNullFirst()
    {
        // Act, Assert
        Assert.Equal(0, CodePointComparer.Instance.Compare("SAME", new string("SAME".AsSpan())));
        Assert.Equal(0, CodePointComparer.Instance.Compare(null, null));
        Assert.True(CodePointComparer.Instance.Compare(null, "") < 0);
        Assert.True(CodePointComparer.Instance.Compare("", null) > 0);
    }

    private static string Escape(string s) =>
        string.Concat(s.EnumerateRunes().Select(r => $"U+{r.Value:X4} "));
}
