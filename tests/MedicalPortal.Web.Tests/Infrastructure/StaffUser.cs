using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// The signed-in staff member of a component test (<see cref="BunitContextExtensions.AddTestServicesAsync(Bunit.BunitContext, string[])"/>
/// signs in test-account-0001), for calling the services directly as that same user.
/// </summary>
internal sealed record StaffUser(string Role) : ICurrentUser
{
    public bool IsAuthenticated => true;

    public string? AccountId => "test-account-0001";

    public string? UserName => "test.user@clinic.test";

    public IReadOnlyCollection<string> Roles => [Role];

    public Guid? PatientId => null;
}
