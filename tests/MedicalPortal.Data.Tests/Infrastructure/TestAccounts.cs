using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>Synthetic staff accounts for tests: fake addresses, a password the portal's rules accept for every one of them.</summary>
internal static class TestAccounts
{
    /// <summary>
    /// One digit alone: the password policy takes an account's own details of three characters or more away first, the
    /// numbers of its address included, and with "Test-Password-2026" the 202nd address of a run (staff-202@) left it too short.
    /// </summary>
    public const string Password = "Quiet-Lantern-7-Meadow-Orbit";

    private static int _sequence;

    /// <summary>An e-mail address no other account in this test run has.</summary>
    public static string UniqueEmail(string prefix = "staff") =>
        $"{prefix}-{Interlocked.Increment(ref _sequence)}@clinic.test";

    public static StaffAccountInput Staff(string role = RoleNames.Nurse, string? email = null, string password = Password) => new()
    {
        Email = email ?? UniqueEmail(),
        DisplayName = "Test Staff",
        Role = role,
        Password = password,
    };
}
