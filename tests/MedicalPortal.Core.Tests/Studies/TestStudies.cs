using MedicalPortal.Core.Studies;

namespace MedicalPortal.Core.Tests.Studies;

internal static class TestStudies
{
    public static StudyInput ValidInput() => new()
    {
        Title = "Test study",
        Description = "A study that exists only in tests.",
        PrincipalInvestigator = "Pat Investigator",
        Status = StudyStatus.Draft,
        StartDate = new DateOnly(2026, 1, 1),
        EndDate = new DateOnly(2026, 12, 31),
    };
}
