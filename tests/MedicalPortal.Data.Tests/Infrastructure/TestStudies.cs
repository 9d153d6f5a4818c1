using MedicalPortal.Core.Studies;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>Synthetic studies for tests.</summary>
internal static class TestStudies
{
    public static StudyInput Input(StudyStatus status = StudyStatus.Recruiting, string title = "Test study") => new()
    {
        Title = title,
        Description = "A study that exists only in tests.",
        PrincipalInvestigator = "Dr. Test",
        Status = status,
        StartDate = new DateOnly(2026, 1, 1),
    };

    public static MedicalStudy New(StudyStatus status = StudyStatus.Recruiting, string title = "Test study") =>
        MedicalStudy.Create(Input(status, title), TestPatients.Now);
}
