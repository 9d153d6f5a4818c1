using MedicalPortal.Core.Studies;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Studies;

/// <summary>How studies read on screen.</summary>
public static class StudyFormat
{
    public static string Status(StudyStatus status) => status switch
    {
        StudyStatus.Draft => "Draft",
        StudyStatus.Recruiting => "Recruiting",
        StudyStatus.Active => "Active",
        StudyStatus.Closed => "Closed",
        _ => status.ToString(),
    };

    public static Color StatusColor(StudyStatus status) => status switch
    {
        StudyStatus.Recruiting => Color.Info,
        StudyStatus.Active => Color.Success,
        StudyStatus.Closed => Color.Default,
        _ => Color.Warning,
    };

    public static string Period(StudyDto study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return study.EndDate is { } end
            ? $"{study.StartDate:yyyy-MM-dd} – {end:yyyy-MM-dd}"
            : $"from {study.StartDate:yyyy-MM-dd}";
    }

    /// <summary>Whether a study takes new consents (the services refuse the others anyway).</summary>
    public static bool TakesConsent(StudyDto study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return study.Status is StudyStatus.Recruiting or StudyStatus.Active;
    }
}
