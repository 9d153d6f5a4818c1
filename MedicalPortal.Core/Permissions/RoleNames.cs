namespace MedicalPortal.Core.Permissions;

/// <summary>The roles every installation starts with.</summary>
public static class RoleNames
{
    public const string Admin = "Admin";
    public const string Doctor = "Doctor";
    public const string Nurse = "Nurse";
    public const string Receptionist = "Receptionist";
    public const string Researcher = "Researcher";

    /// <summary>Self-registered patients: reach only the patient record linked to their own account.</summary>
    public const string Patient = "Patient";

    public static IReadOnlyList<string> Seeded { get; } = [Admin, Doctor, Nurse, Receptionist, Researcher, Patient];
}
