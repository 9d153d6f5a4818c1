namespace MedicalPortal.Core.Patients;

/// <summary>Administrative sex, as most clinic registration forms record it.</summary>
public enum Sex
{
    Female,
    Male,
    Other,
    Unknown,
}
