using MedicalPortal.Core.Patients;

namespace MedicalPortal.Core.Tests.Patients;

public sealed class MrnTests
{
    private const int Samples = 2000;

    [Fact]
    public void Generate_ManyTimes_IsMFollowedByTenDigits()
    {
        // Arrange, Act
        var mrns = Enumerable.Range(0, Samples).Select(_ => Mrn.Generate()).ToList();

        // Assert
        Assert.All(mrns, mrn => Assert.Matches("^M[0-9]{10}$", mrn));
    }

    [Fact]
    public void Generate_ManyTimes_PassesTheStandardLuhnCheckAndOwnChecks()
    {
        // Arrange, Act
        var mrns = Enumerable.Range(0, Samples).Select(_ => Mrn.Generate()).ToList();

        // Assert: checked with a Luhn implementation written here, independent of Mrn's own.
        Assert.All(mrns, mrn =>
        {
            Assert.True(PassesLuhn(mrn[1..]), "Luhn failed");
            Assert.True(Mrn.HasValidCheckDigit(mrn));
            Assert.True(Mrn.IsWellFormed(mrn));
        });
    }

    [Fact]
    public void Generate_ManyTimes_IsRandomAndUsesEveryDigit()
    {
        // Arrange, Act
        var mrns = Enumerable.Range(0, Samples).Select(_ => Mrn.Generate()).ToList();

        // Assert: 10^9 payloads, so 2000 draws colliding more than a handful of times means it is not random.
        Assert.True(mrns.Distinct(StringComparer.Ordinal).Count() >= Samples - 2);
        Assert.All(Enumerable.Range(1, 9), position =>
            Assert.Equal(10, mrns.Select(m => m[position]).Distinct().Count()));
    }

    [Theory]
    [InlineData("M1234567897")]
    [InlineData("M0000000000")]
    [InlineData("M9876543217")]
    public void HasValidCheckDigit_KnownValidNumber_IsTrue(string mrn)
    {
        // Arrange: check digits computed by hand with the standard Luhn algorithm.

        // Act
        var valid = Mrn.HasValidCheckDigit(mrn);

        // Assert
        Assert.True(valid);
    }

    [Theory]
    [InlineData("M1234567897")]
    [InlineData("M0000000000")]
    public void HasValidCheckDigit_AnySingleDigitChanged_IsFalse(string mrn)
    {
        // Arrange
        var mistyped = new List<string>();
        for (var position = 1; position < mrn.Length; position++)
        {
            for (var digit = '0'; digit <= '9'; digit++)
            {
                if (digit != mrn[position])
                {
                    mistyped.Add(string.Concat(mrn.AsSpan(0, position), digit.ToString(), mrn.AsSpan(position + 1)));
                }
            }
        }

        // Act
        var accepted = mistyped.Where(Mrn.HasValidCheckDigit).ToList();

        // Assert
        Assert.Equal(10 * 9, mistyped.Count);
        Assert.Empty(accepted);
    }

    [Fact]
    public void HasValidCheckDigit_GeneratedNumberWithOneDigitChanged_IsFalse()
    {
        // Arrange
        var mrn = Mrn.Generate();
        var position = 5;
        var changed = (char)('0' + ((mrn[position] - '0' + 1) % 10));
        var mistyped = string.Concat(mrn.AsSpan(0, position), changed.ToString(), mrn.AsSpan(position + 1));

        // Act
        var valid = Mrn.HasValidCheckDigit(mistyped);

        // Assert
        Assert.False(valid);
    }

    [Theory]
    [InlineData("M123456789")] // too short
    [InlineData("M12345678970")] // too long
    [InlineData("X1234567897")] // not M
    [InlineData("m1234567897")] // lower-case m
    [InlineData("M12345678A7")]
    [InlineData("")]
    public void HasValidCheckDigit_NotAServerAssignedShape_IsFalse(string mrn)
    {
        // Act
        var valid = Mrn.HasValidCheckDigit(mrn);

        // Assert
        Assert.False(valid);
    }

    [Theory]
    [InlineData("M1234567897")]
    [InlineData("1234")]
    [InlineData("CLINIC-0001")]
    [InlineData("A-B-")]
    [InlineData("ABCDEFGHIJ0123456789")]
    public void IsWellFormed_FourToTwentyLettersDigitsHyphens_IsTrue(string mrn)
    {
        // Act
        var wellFormed = Mrn.IsWellFormed(mrn);

        // Assert
        Assert.True(wellFormed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ABC")]
    [InlineData("ABCDEFGHIJ01234567890")]
    [InlineData("-ABC")]
    [InlineData("abcd")] // callers upper-case first
    [InlineData("AB 12")]
    [InlineData("AB.12")]
    public void IsWellFormed_OtherShapes_IsFalse(string mrn)
    {
        // Act
        var wellFormed = Mrn.IsWellFormed(mrn);

        // Assert
        Assert.False(wellFormed);
    }

    /// <summary>The textbook Luhn check over a full number whose last digit is the check digit.</summary>
    private static bool PassesLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
