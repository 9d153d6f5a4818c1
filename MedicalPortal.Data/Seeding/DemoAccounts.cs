using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Data.Seeding;

/// <summary>The demo accounts of ARCHITECTURE.md section 12. They exist only where demo seeding runs (Development).</summary>
public static class DemoAccounts
{
    public const string DefaultPassword = "Clinic-Demo-2026!";

    public static IReadOnlyList<DemoAccount> All { get; } =
    [
        new("admin@clinic.test", RoleNames.Admin, "Sam Rivera"),
        new("doctor@clinic.test", RoleNames.Doctor, "Dr. Maya Chen"),
        new("nurse@clinic.test", RoleNames.Nurse, "Liam Patel, RN"),
        new("reception@clinic.test", RoleNames.Receptionist, "Olivia Brooks"),
        new("researcher@clinic.test", RoleNames.Researcher, "Dr. Noah Kim"),
        new("patient@clinic.test", RoleNames.Patient, null),
    ];
}

public sealed record DemoAccount(string Email, string Role, string? DisplayName);
