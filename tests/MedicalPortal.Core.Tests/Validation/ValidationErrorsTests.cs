using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Tests.Validation;

public sealed class ValidationErrorsTests
{
    [Fact]
    public void ThrowIfInvalid_NoErrors_DoesNotThrow()
    {
        // Arrange
        var errors = new ValidationErrors();

        // Act
        var exception = Record.Exception(errors.ThrowIfInvalid);

        // Assert
        Assert.Null(exception);
        Assert.True(errors.IsValid);
    }

    [Fact]
    public void ThrowIfInvalid_SeveralMessages_ThrowsWithEveryMessagePerField()
    {
        // Arrange
        var errors = new ValidationErrors();
        errors.Add("phone", "First.");
        errors.Add("phone", "Second.");
        errors.Add("email", "Third.");

        // Act
        var exception = Assert.Throws<ValidationFailedException>(errors.ThrowIfInvalid);

        // Assert
        Assert.False(errors.IsValid);
        Assert.Equal(["First.", "Second."], exception.Errors["phone"]);
        Assert.Equal(["Third."], exception.Errors["email"]);
        Assert.Equal("First. Second. Third.", exception.Message);
    }

    [Fact]
    public void ValidationFailedException_FieldAndMessage_IsOneFieldError()
    {
        // Act
        var exception = new ValidationFailedException("mrn", "Taken.");

        // Assert
        Assert.Equal(["mrn"], exception.Errors.Keys);
        Assert.Equal("Taken.", exception.Message);
    }
}
