using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>Synthetic staff accounts for tests: fake addresses, a password Identity's default rules accept.</summary>
internal static class TestAccounts
{
    public const string Password = "Test-Password-2026";

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
