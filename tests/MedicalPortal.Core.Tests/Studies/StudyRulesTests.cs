using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Tests.Validation;

namespace MedicalPortal.Core.Tests.Studies;

public sealed class StudyRulesTests
{
    [Fact]
    public void Validate_CompleteValidInput_HasNoErrors()
    {
        // Act
        var errors = StudyRules.Validate(TestStudies.ValidInput().Cleaned());

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_EmptyInput_ReportsRequiredFieldsUnderTheirJsonNames()
    {
        // Act
        var errors = StudyRules.Validate(new StudyInput().Cleaned()).ToDictionary();

        // Assert
        Assert.Equal(["principalInvestigator", "startDate", "status", "title"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_TitleMissing_ReportsTitle(string? title)
    {
        // Arrange
        var input = TestStudies.ValidInput() with { Title = title };

        // Act
        var errors = StudyRules.Validate(input.Cleaned());

        // Assert
        ValidationAssert.OnlyError(errors, "title");
    }

    [Fact]
    public void Validate_TitleOneLongerThanMax_ReportsTitle()
    {
        // Arrange
        var atMax = TestStudies.ValidInput() with { Title = new string('t', StudyRules.TitleMaxLength) };
        var overMax = TestStudies.ValidInput() with { Title = new string('t', StudyRules.TitleMaxLength + 1) };

        // Act
        var atMaxErrors = StudyRules.Validate(atMax.Cleaned());
        var overMaxErrors = StudyRules.Validate(overMax.Cleaned());

        // Assert
        ValidationAssert.Valid(atMaxErrors);
        ValidationAssert.OnlyError(overMaxErrors, "title");
    }

    [Fact]
    public void Validate_EndBeforeStart_ReportsEndDate()
    {
        // Arrange
        var input = TestStudies.ValidInput() with { StartDate = new DateOnly(2026, 6, 1), EndDate = new DateOnly(2026, 5, 31) };

        // Act
        var errors = StudyRules.Validate(input.Cleaned());

        // Assert
        ValidationAssert.OnlyError(errors, "endDate");
    }

    [Fact]
    public void Validate_EndOnTheStartDateOrOpen_IsAccepted()
    {
        // Arrange
        var sameDay = TestStudies.ValidInput() with { StartDate = new DateOnly(2026, 6, 1), EndDate = new DateOnly(2026, 6, 1) };
        var open = TestStudies.ValidInput() with { EndDate = null };

        // Act
        var sameDayErrors = StudyRules.Validate(sameDay.Cleaned());
        var openErrors = StudyRules.Validate(open.Cleaned());

        // Assert
        ValidationAssert.Valid(sameDayErrors);
        ValidationAssert.Valid(openErrors);
    }

    [Fact]
    public void Validate_StatusOutsideTheEnum_ReportsStatus()
    {
        // Arrange
        var input = TestStudies.ValidInput() with { Status = (StudyStatus)9 };

        // Act
        var errors = StudyRules.Validate(input.Cleaned());

        // Assert
        ValidationAssert.OnlyError(errors, "status");
    }

    [Fact]
    public void Validate_PrincipalInvestigatorWithDigits_ReportsPrincipalInvestigator()
    {
        // Arrange
        var input = TestStudies.ValidInput() with { PrincipalInvestigator = "Investigator 7" };

        // Act
        var errors = StudyRules.Validate(input.Cleaned());

        // Assert
        ValidationAssert.OnlyError(errors, "principalInvestigator");
    }
}
