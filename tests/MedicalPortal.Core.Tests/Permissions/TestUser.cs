using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Tests.Permissions;

/// <summary>A caller with exactly the roles a test gives it.</summary>
internal sealed record TestUser : ICurrentUser
{
    public bool IsAuthenticated { get; init; }

    public string? AccountId { get; init; }

    public string? UserName { get; init; }

    public IReadOnlyCollection<string> Roles { get; init; } = [];

    public Guid? PatientId { get; init; }

    public static TestUser Anonymous { get; } = new();

    public static TestUser InRoles(params string[] roles) => new()
    {
        IsAuthenticated = true,
        AccountId = "test-account",
        UserName = "user@clinic.test",
        Roles = roles,
    };

    /// <summary>A self-registered patient account, linked to <paramref name="patientId"/> (or to no record).</summary>
    public static TestUser PatientAccount(Guid? patientId) => InRoles(RoleNames.Patient) with { PatientId = patientId };
}
