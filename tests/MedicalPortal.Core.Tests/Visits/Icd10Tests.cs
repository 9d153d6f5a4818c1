using MedicalPortal.Core.Visits;

namespace MedicalPortal.Core.Tests.Visits;

public sealed class Icd10Tests
{
    [Theory]
    [InlineData("E11.9")]
    [InlineData("J45.909")]
    [InlineData("S52.521A")]
    [InlineData("C4A.0")]
    [InlineData("U07.1")]
    [InlineData("M1A.0")]
    [InlineData("E11")]
    [InlineData("Z99.8911")]
    public void IsWellFormed_Icd10Code_IsTrue(string code)
    {
        // Act
        var wellFormed = Icd10.IsWellFormed(code);

        // Assert
        Assert.True(wellFormed);
    }

    [Theory]
    [InlineData("E1")]
    [InlineData("11.9")]
    [InlineData("E11.99999")]
    [InlineData("E11.")]
    [InlineData("e11.9")] // callers normalize first
    [InlineData("E11 9")]
    [InlineData("E.119")]
    [InlineData("")]
    public void IsWellFormed_OtherShapes_IsFalse(string code)
    {
        // Act
        var wellFormed = Icd10.IsWellFormed(code);

        // Assert
        Assert.False(wellFormed);
    }

    [Theory]
    [InlineData("e119", "E11.9")]
    [InlineData(" j45909 ", "J45.909")]
    [InlineData("s52521a", "S52.521A")]
    [InlineData("c4a0", "C4A.0")]
    [InlineData("E11.9", "E11.9")]
    [InlineData("e11.9", "E11.9")]
    [InlineData("e11", "E11")]
    [InlineData("Z998911", "Z99.8911")]
    public void Normalize_Code_IsUpperCaseWithItsDot(string code, string expected)
    {
        // Act
        var normalized = Icd10.Normalize(code);

        // Assert
        Assert.Equal(expected, normalized);
        Assert.True(Icd10.IsWellFormed(normalized));
    }

    [Theory]
    [InlineData("E1199999")] // too long to be a code without its dot: left as typed, and then refused
    [InlineData("E1")]
    public void Normalize_NotACode_StaysMalformed(string code)
    {
        // Act
        var normalized = Icd10.Normalize(code);

        // Assert
        Assert.False(Icd10.IsWellFormed(normalized));
    }
}
