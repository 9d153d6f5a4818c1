using MedicalPortal.Core.Visits;

namespace MedicalPortal.Web.Components.Pages.Visits;

/// <summary>How visit facts read on screen.</summary>
internal static class VisitFormat
{
    public static string Type(VisitType type) => type switch
    {
        VisitType.Checkup => "Checkup",
        VisitType.FollowUp => "Follow-up",
        VisitType.Emergency => "Emergency",
        VisitType.Telehealth => "Telehealth",
        VisitType.Procedure => "Procedure",
        _ => type.ToString(),
    };

    public static string BloodPressure(VisitDto visit) =>
        visit.Systolic is { } systolic && visit.Diastolic is { } diastolic ? $"{systolic}/{diastolic}" : "";
}
