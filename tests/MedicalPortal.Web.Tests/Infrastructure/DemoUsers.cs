using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>The demo accounts a Development installation is seeded with (ARCHITECTURE.md section 12).</summary>
public static class DemoUsers
{
    public const string Admin = "admin@clinic.test";
    public const string Doctor = "doctor@clinic.test";
    public const string Nurse = "nurse@clinic.test";
    public const string Receptionist = "reception@clinic.test";
    public const string Researcher = "researcher@clinic.test";
    public const string Patient = "patient@clinic.test";

    /// <summary>The demo account that holds each seeded role.</summary>
    public static IReadOnlyDictionary<string, string> ByRole { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [RoleNames.Admin] = Admin,
        [RoleNames.Doctor] = Doctor,
        [RoleNames.Nurse] = Nurse,
        [RoleNames.Receptionist] = Receptionist,
        [RoleNames.Researcher] = Researcher,
        [RoleNames.Patient] = Patient,
    };
}
