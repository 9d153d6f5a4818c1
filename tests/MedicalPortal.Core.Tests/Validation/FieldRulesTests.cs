using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Tests.Validation;

public sealed class FieldRulesTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData(" \t\r\n", null)]
    [InlineData(" a b ", "a b")]
    [InlineData("x", "x")]
    public void Clean_Value_IsTrimmedAndBlankBecomesNull(string? value, string? expected)
    {
        // Act
        var cleaned = FieldRules.Clean(value);

        // Assert
        Assert.Equal(expected, cleaned);
    }

    [Fact]
    public void RequiredName_Null_ReportsItWithTheLabel()
    {
        // Arrange
        var errors = new ValidationErrors();

        // Act
        FieldRules.RequiredName(errors, "someField", "Some label", null);

        // Assert
        var messages = ValidationAssert.OnlyError(errors, "someField");
        Assert.Equal(["Some label is required."], messages);
    }

    [Fact]
    public void OptionalText_AtAndOverTheMaximum_ReportsOnlyOverIt()
    {
        // Arrange
        var atMax = new ValidationErrors();
        var overMax = new ValidationErrors();

        // Act
        FieldRules.OptionalText(atMax, "f", "F", "abc", 3);
        FieldRules.OptionalText(overMax, "f", "F", "abcd", 3);

        // Assert
        ValidationAssert.Valid(atMax);
        ValidationAssert.OnlyError(overMax, "f");
    }
}
