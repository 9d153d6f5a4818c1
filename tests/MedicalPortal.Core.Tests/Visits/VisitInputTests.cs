using MedicalPortal.Core.Visits;

namespace MedicalPortal.Core.Tests.Visits;

public sealed class VisitInputTests
{
    [Fact]
    public void Cleaned_DuplicateCodesInAnyForm_KeepsEachCodeOnceInFirstOrder()
    {
        // Arrange
        var input = new VisitInput { DiagnosisCodes = ["J45.909", "e119", " E11.9 ", "j45909", "E11.9", "U07.1"] };

        // Act
        var cleaned = input.Cleaned();

        // Assert
        Assert.Equal(["J45.909", "E11.9", "U07.1"], cleaned.DiagnosisCodes!);
    }

    [Fact]
    public void Cleaned_BlankCodes_AreDropped()
    {
        // Arrange
        var input = new VisitInput { DiagnosisCodes = ["", "  ", "E11.9"] };

        // Act
        var cleaned = input.Cleaned();

        // Assert
        Assert.Equal(["E11.9"], cleaned.DiagnosisCodes!);
    }

    [Fact]
    public void Cleaned_NoCodes_IsEmptyList()
    {
        // Act
        var cleaned = new VisitInput().Cleaned();

        // Assert
        Assert.NotNull(cleaned.DiagnosisCodes);
        Assert.Empty(cleaned.DiagnosisCodes);
    }

    [Fact]
    public void Cleaned_TextFields_AreTrimmedAndBlankIsNull()
    {
        // Arrange
        var input = new VisitInput { Clinician = "  Dr. Test ", Reason = "   ", Notes = " note " };

        // Act
        var cleaned = input.Cleaned();

        // Assert
        Assert.Equal("Dr. Test", cleaned.Clinician);
        Assert.Null(cleaned.Reason);
        Assert.Equal("note", cleaned.Notes);
    }

    [Fact]
    public void Cleaned_StartedAtWithOffset_IsTheSameInstantInUtc()
    {
        // Arrange
        var local = new DateTimeOffset(2026, 3, 15, 9, 30, 0, TimeSpan.FromHours(-5));
        var input = new VisitInput { StartedAt = local };

        // Act
        var cleaned = input.Cleaned();

        // Assert
        Assert.Equal(TimeSpan.Zero, cleaned.StartedAt!.Value.Offset);
        Assert.Equal(new DateTimeOffset(2026, 3, 15, 14, 30, 0, TimeSpan.Zero), cleaned.StartedAt.Value);
    }
}
