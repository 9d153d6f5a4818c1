using MedicalPortal.Core.Export;

namespace MedicalPortal.Core.Tests.Export;

public sealed class ExtractionScheduleTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("0 2 * * *", true)]
    [InlineData("*/15 * * * *", true)]
    [InlineData("every night", false)]
    [InlineData("0 2 * *", false)]
    [InlineData("61 * * * *", false)]
    public void IsValid_Schedule_FiveFieldCronOrEmpty(string? schedule, bool valid)
    {
        // Act + Assert
        Assert.Equal(valid, ExtractionSchedule.IsValid(schedule));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void Parse_Empty_NoSchedule(string? schedule)
    {
        // Act + Assert
        Assert.Null(ExtractionSchedule.Parse(schedule));
    }

    [Fact]
    public void NextAfter_NightlyAtTwo_TheNextNightInUtc()
    {
        // Arrange
        var schedule = ExtractionSchedule.Parse("0 2 * * *")!;

        // Act
        var next = schedule.NextAfter(new DateTime(2026, 6, 1, 12, 0, 30, DateTimeKind.Utc));

        // Assert
        Assert.Equal(new DateTime(2026, 6, 2, 2, 0, 0, DateTimeKind.Utc), next);
    }
}
