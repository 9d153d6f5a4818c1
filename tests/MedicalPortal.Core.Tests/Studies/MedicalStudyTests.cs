using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Tests.Validation;

namespace MedicalPortal.Core.Tests.Studies;

public sealed class MedicalStudyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Create_ValidInput_SetsVersionOneAndCleanedValues()
    {
        // Arrange
        var input = TestStudies.ValidInput() with { Title = "  Test study  ", Description = " " };

        // Act
        var study = MedicalStudy.Create(input, Now);

        // Assert
        Assert.Equal(1, study.Version);
        Assert.Equal(7, study.Id.Version);
        Assert.Equal("Test study", study.Title);
        Assert.Null(study.Description);
        Assert.Equal(Now, study.CreatedAt);
        Assert.Equal(StudyStatus.Draft, study.Status);
    }

    [Fact]
    public void Create_TitleMissing_ThrowsForTitle()
    {
        // Act, Assert
        ValidationAssert.Throws("title", () => MedicalStudy.Create(TestStudies.ValidInput() with { Title = " " }, Now));
    }

    [Fact]
    public void Create_EndBeforeStart_ThrowsForEndDate()
    {
        // Arrange
        var input = TestStudies.ValidInput() with { EndDate = new DateOnly(2025, 12, 31) };

        // Act, Assert
        ValidationAssert.Throws("endDate", () => MedicalStudy.Create(input, Now));
    }

    [Fact]
    public void Update_ValidInput_IncrementsVersion()
    {
        // Arrange
        var study = MedicalStudy.Create(TestStudies.ValidInput(), Now);

        // Act
        study.Update(TestStudies.ValidInput() with { Status = StudyStatus.Recruiting }, Now.AddDays(1));

        // Assert
        Assert.Equal(2, study.Version);
        Assert.Equal(StudyStatus.Recruiting, study.Status);
        Assert.Equal(Now.AddDays(1), study.UpdatedAt);
        Assert.Equal(Now, study.CreatedAt);
    }

    [Fact]
    public void Update_InvalidInput_ThrowsAndLeavesStudyUnchanged()
    {
        // Arrange
        var study = MedicalStudy.Create(TestStudies.ValidInput(), Now);

        // Act
        ValidationAssert.Throws("endDate", () => study.Update(
            TestStudies.ValidInput() with { Status = StudyStatus.Closed, EndDate = new DateOnly(2025, 1, 1) }, Now.AddDays(1)));

        // Assert
        Assert.Equal(1, study.Version);
        Assert.Equal(StudyStatus.Draft, study.Status);
    }
}
