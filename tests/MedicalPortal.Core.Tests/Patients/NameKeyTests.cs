using MedicalPortal.Core.Patients;

namespace MedicalPortal.Core.Tests.Patients;

public sealed class NameKeyTests
{
    [Theory]
    [InlineData("  José  María ", "JOSE MARIA")]
    [InlineData("zoë", "ZOE")]
    [InlineData("Jose\u0301", "JOSE")] // already decomposed
    [InlineData("o'test-name", "O'TEST-NAME")]
    [InlineData("a\tb\n\nc", "A B C")]
    [InlineData("ÅNGSTRÖM", "ANGSTROM")]
    [InlineData("Ñandú", "NANDU")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    public void For_Name_IsAccentFreeUpperCaseWithSingleSpaces(string name, string expected)
    {
        // Act
        var key = NameKey.For(name);

        // Assert
        Assert.Equal(expected, key);
    }

    [Fact]
    public void For_SameNameDifferentlyTyped_GivesTheSameKey()
    {
        // Arrange
        string[] spellings = ["José", "jose", "JOSÉ", "Jose\u0301", " josé "];

        // Act
        var keys = spellings.Select(NameKey.For).Distinct(StringComparer.Ordinal).ToList();

        // Assert
        Assert.Equal(["JOSE"], keys);
    }

    [Fact]
    public void For_Null_Throws()
    {
        // Act, Assert
        Assert.Throws<ArgumentNullException>(() => NameKey.For(null!));
    }

    [Theory]
    [InlineData("SMITH", "SMITI")]
    [InlineData("A", "B")]
    [InlineData("A\uFFFF", "A\U00010000")] // in code point order U+10000 follows U+FFFF
    [InlineData("O'", "O(")]
    public void PrefixEnd_Prefix_IncrementsTheLastIncrementableCharacter(string prefix, string expected)
    {
        // Act
        var end = NameKey.PrefixEnd(prefix);

        // Assert
        Assert.Equal(expected, end);
    }

    [Theory]
    [InlineData("SMITH")]
    [InlineData("DE LA")]
    [InlineData("Z")]
    [InlineData("A\uFFFF")]
    public void PrefixEnd_Prefix_BoundsExactlyTheKeysStartingWithIt(string prefix)
    {
        // Arrange
        string[] keys =
        [
            prefix, prefix + "A", prefix + " Z", prefix + "\uFFFF", prefix + "\U0001F600", prefix + "\uFFFF\uFFFF",
            "", "A", "SMITG", "SMITHY", "SMITI", "DE LB", "ZZ", "B", "\uFFFF", "\U0001F600",
        ];

        // Act
        var end = NameKey.PrefixEnd(prefix);

        // Assert: prefix <= key < end exactly when key starts with prefix, in the code point order the databases use.
        Assert.All(keys, key =>
        {
            var inRange = CodePointComparer.Instance.Compare(prefix, key) <= 0
                && CodePointComparer.Instance.Compare(key, end) < 0;
            Assert.Equal(key.StartsWith(prefix, StringComparison.Ordinal), inRange);
        });
    }

    [Theory]
    [InlineData("\U0001F600")] // only surrogates: the result "😀\uFFFF" sorts below "😀😀"
    [InlineData("\uD7FF")] // the increment lands on U+D800, a lone surrogate, which sorts as U+FFFD
    public void PrefixEnd_PrefixNextToTheSurrogateRange_BoundsExactlyTheKeysStartingWithIt(string prefix)
    {
        // Arrange: the documented contract is prefix <= key < PrefixEnd(prefix) exactly for the keys starting with
        // the prefix, in the code point order the databases use.
        string[] keys = [prefix, prefix + "A", prefix + "\uFFFF", prefix + "\U0001F600", "\uE000", "\uFF21", "\U0001F601"];

        // Act
        var end = NameKey.PrefixEnd(prefix);

        // Assert
        Assert.All(keys, key =>
        {
            var inRange = CodePointComparer.Instance.Compare(prefix, key) <= 0
                && CodePointComparer.Instance.Compare(key, end) < 0;
            Assert.Equal(key.StartsWith(prefix, StringComparison.Ordinal), inRange);
        });
    }

    [Fact]
    public void PrefixEnd_Empty_Throws()
    {
        // Act, Assert
        Assert.Throws<ArgumentException>(() => NameKey.PrefixEnd(""));
    }
}
