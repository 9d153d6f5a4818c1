using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>
/// A caller with exactly the roles a test gives it. The same shape as Core.Tests' TestUser; the test projects do not
/// reference each other, so each keeps its own.
/// </summary>
internal sealed record TestUser : ICurrentUser
{
    public bool IsAuthenticated { get; init; }

    public string? AccountId { get; init; }

    public string? UserName { get; init; }

    public IReadOnlyCollection<string> Roles { get; init; } = [];

    public Guid? PatientId { get; init; }

    public static TestUser Anonymous { get; } = new();

    public static TestUser Admin { get; } = InRoles(RoleNames.Admin);

    public static TestUser InRoles(params string[] roles) => new()
    {
        IsAuthenticated = true,
        AccountId = "test-account",
        UserName = "user@clinic.test",
        Roles = roles,
    };

    /// <summary>A self-registered patient account, linked to <paramref name="patientId"/>.</summary>
    public static TestUser PatientAccount(Guid? patientId) => InRoles(RoleNames.Patient) with { PatientId = patientId };

    /// <summary>A caller in <paramref name="role"/>; a Patient-role caller is linked to <paramref name="ownPatientId"/>.</summary>
    public static TestUser For(string role, Guid ownPatientId) =>
        string.Equals(role, RoleNames.Patient, StringComparison.OrdinalIgnoreCase) ? PatientAccount(ownPatientId) : InRoles(role);
}
