using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Tests.Validation;

namespace MedicalPortal.Core.Tests.Patients;

public sealed class PatientSortKeyTests
{
    [Theory]
    [InlineData("TESTFAMILY", "TESTGIVEN", "M1234567897")]
    [InlineData("O'TEST, \"QUOTED\"", "A B", "AB-12")]
    [InlineData("\U0001F600", "", "\uFFFD")]
    public void FromCursor_CursorOfKey_RoundTrips(string family, string given, string mrn)
    {
        // Arrange
        var key = new PatientSortKey(family, given, mrn);

        // Act
        var cursor = key.ToCursor();
        var decoded = PatientSortKey.FromCursor(cursor);

        // Assert
        Assert.Equal(key, decoded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void FromCursor_NoCursor_IsNull(string? cursor)
    {
        // Act
        var key = PatientSortKey.FromCursor(cursor);

        // Assert
        Assert.Null(key);
    }

    [Theory]
    [InlineData("not a cursor!")]
    [InlineData("e30")] // {}
    [InlineData("WyJBIiwiQiJd")] // ["A","B"]: two parts instead of three
    [InlineData("WyJBIiwiQiIsbnVsbF0")] // ["A","B",null]
    [InlineData("bnVsbA")] // null
    public void FromCursor_InvalidCursor_ThrowsValidationFailedForCursor(string cursor)
    {
        // Act, Assert
        ValidationAssert.Throws("cursor", () => PatientSortKey.FromCursor(cursor));
    }

    [Fact]
    public void CompareTo_Keys_OrderByFamilyThenGivenThenMrn()
    {
        // Arrange
        var expected = new[]
        {
            new PatientSortKey("ALPHA", "ZED", "M9"),
            new PatientSortKey("BRAVO", "ALPHA", "M5"),
            new PatientSortKey("BRAVO", "ALPHA", "M6"),
            new PatientSortKey("BRAVO", "BETA", "M1"),
            new PatientSortKey("BRAVOS", "AAA", "M0"),
            new PatientSortKey("CHARLIE", "", "M3"),
        };
        var shuffled = expected.Reverse().ToArray();
        (shuffled[1], shuffled[3]) = (shuffled[3], shuffled[1]);

        // Act
        var sorted = shuffled.Order().ToArray();

        // Assert
        Assert.Equal(expected, sorted);
    }

    [Fact]
    public void CompareTo_FamilyNamesDifferingOutsideTheBmp_UsesCodePointOrder()
    {
        // Arrange
        var replacement = new PatientSortKey("A\uFFFD", "X", "M1");
        var emoji = new PatientSortKey("A\U0001F600", "A", "M0");

        // Act
        var order = replacement.CompareTo(emoji);

        // Assert
        Assert.True(order < 0);
    }

    [Fact]
    public void Operators_OrderedKeys_AgreeWithCompareTo()
    {
        // Arrange
        var low = new PatientSortKey("A", "A", "M1");
        var high = new PatientSortKey("A", "A", "M2");
        var same = new PatientSortKey("A", "A", "M1");

        // Act, Assert
        Assert.True(low < high);
        Assert.True(high > low);
        Assert.True(low <= same);
        Assert.True(low >= same);
        Assert.False(high < low);
        Assert.False(low > high);
    }

    [Fact]
    public void Of_Patient_UsesNameKeysAndMrn()
    {
        // Arrange
        var dto = TestPatients.Registered("AB-1234", TestPatients.ValidInput() with { GivenName = "zoë", FamilyName = "de la Tèst" })
            .ToDto();

        // Act
        var key = PatientSortKey.Of(dto);

        // Assert
        Assert.Equal(new PatientSortKey("DE LA TEST", "ZOE", "AB-1234"), key);
    }
}
