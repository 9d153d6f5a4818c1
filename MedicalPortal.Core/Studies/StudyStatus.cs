namespace MedicalPortal.Core.Studies;

/// <summary>Where a study stands. Closed studies take no new enrollments.</summary>
public enum StudyStatus
{
    Draft,
    Recruiting,
    Active,
    Closed,
}
