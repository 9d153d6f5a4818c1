using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Tests.Validation;

namespace MedicalPortal.Core.Tests.Patients;

public sealed class PatientSearchTests
{
    [Fact]
    public void Parse_NameTerms_AreNormalizedNamePrefixes()
    {
        // Act
        var search = PatientSearch.Parse("  zoë  Ångtest, de\tla ", cursor: null, limit: null);

        // Assert
        Assert.Equal(["ZOE", "ANGTEST", "DE", "LA"], search.NamePrefixes);
        Assert.Null(search.MrnPrefix);
        Assert.Null(search.BirthDate);
    }

    [Theory]
    [InlineData("1984-03-09")]
    [InlineData("3/9/1984")]
    [InlineData("03/09/1984")]
    public void Parse_DateTerm_GoesToBirthDate(string text)
    {
        // Act
        var search = PatientSearch.Parse(text, cursor: null, limit: null);

        // Assert
        Assert.Equal(new DateOnly(1984, 3, 9), search.BirthDate);
        Assert.Empty(search.NamePrefixes);
        Assert.Null(search.MrnPrefix);
    }

    [Fact]
    public void Parse_SameDateInBothFormats_IsOneBirthDate()
    {
        // Act
        var search = PatientSearch.Parse("1984-03-09 3/9/1984", cursor: null, limit: null);

        // Assert
        Assert.Equal(new DateOnly(1984, 3, 9), search.BirthDate);
    }

    [Fact]
    public void Parse_TwoDifferentDates_ThrowsValidationFailedForQ()
    {
        // Act, Assert
        ValidationAssert.Throws("q", () => PatientSearch.Parse("1984-03-09 1985-03-09", cursor: null, limit: null));
    }

    [Theory]
    [InlineData("m00123", "M00123")]
    [InlineData("AB-12", "AB-12")]
    [InlineData("1234", "1234")]
    public void Parse_TermWithDigits_GoesToMrnPrefixUpperCased(string text, string expected)
    {
        // Act
        var search = PatientSearch.Parse(text, cursor: null, limit: null);

        // Assert
        Assert.Equal(expected, search.MrnPrefix);
        Assert.Empty(search.NamePrefixes);
        Assert.Null(search.BirthDate);
    }

    [Fact]
    public void Parse_NameDateAndMrnTogether_FillsEachPart()
    {
        // Act
        var search = PatientSearch.Parse("testfamily 1984-03-09 m12", cursor: null, limit: null);

        // Assert
        Assert.Equal(["TESTFAMILY"], search.NamePrefixes);
        Assert.Equal(new DateOnly(1984, 3, 9), search.BirthDate);
        Assert.Equal("M12", search.MrnPrefix);
    }

    [Fact]
    public void Parse_TwoMrnTerms_ThrowsValidationFailedForQ()
    {
        // Act, Assert
        ValidationAssert.Throws("q", () => PatientSearch.Parse("M12 M34", cursor: null, limit: null));
    }

    [Fact]
    public void Parse_MoreThanFiveNameTerms_ThrowsValidationFailedForQ()
    {
        // Act, Assert
        ValidationAssert.Throws("q", () => PatientSearch.Parse("a b c d e f", cursor: null, limit: null));
    }

    [Fact]
    public void Parse_TextLongerThan200Characters_ThrowsValidationFailedForQ()
    {
        // Act, Assert
        ValidationAssert.Throws("q", () => PatientSearch.Parse(new string('a', 201), cursor: null, limit: null));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" , \t")]
    public void Parse_NoText_HasNoCriteria(string? text)
    {
        // Act
        var search = PatientSearch.Parse(text, cursor: null, limit: null);

        // Assert
        Assert.Empty(search.NamePrefixes);
        Assert.Null(search.MrnPrefix);
        Assert.Null(search.BirthDate);
        Assert.Null(search.After);
        Assert.Null(search.OnlyPatientId);
    }

    [Fact]
    public void Parse_NullLimit_IsFifty()
    {
        // Act
        var search = PatientSearch.Parse("test", cursor: null, limit: null);

        // Assert
        Assert.Equal(50, search.Limit);
        Assert.Equal(PageLimits.Default, search.Limit);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(200)]
    public void Parse_LimitWithinOneTo200_IsKept(int limit)
    {
        // Act
        var search = PatientSearch.Parse("test", cursor: null, limit);

        // Assert
        Assert.Equal(limit, search.Limit);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(201)]
    [InlineData(-1)]
    public void Parse_LimitOutsideOneTo200_ThrowsValidationFailedForLimit(int limit)
    {
        // Act, Assert
        ValidationAssert.Throws("limit", () => PatientSearch.Parse("test", cursor: null, limit));
    }

    [Theory]
    [InlineData("garbage!")]
    [InlineData("e30")]
    public void Parse_InvalidCursor_ThrowsValidationFailedForCursor(string cursor)
    {
        // Act, Assert
        ValidationAssert.Throws("cursor", () => PatientSearch.Parse("test", cursor, limit: null));
    }

    [Fact]
    public void Parse_CursorOfAKey_ResumesAfterThatKey()
    {
        // Arrange
        var key = new PatientSortKey("TESTFAMILY", "TESTGIVEN", "M1234567897");

        // Act
        var search = PatientSearch.Parse("test", key.ToCursor(), limit: 10);

        // Assert
        Assert.Equal(key, search.After);
        Assert.Equal(10, search.Limit);
    }
}
