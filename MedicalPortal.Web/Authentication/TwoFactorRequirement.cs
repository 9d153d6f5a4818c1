using System.Security.Claims;
using MedicalPortal.Data.Identity;

namespace MedicalPortal.Web.Authentication;

/// <summary>
/// <c>Security:RequireTwoFactorRoles</c>: members of those roles set up two-factor sign-in before they can work. A
/// principal (cookie or token) of such a member whose account has not set it up keeps its identity, so it can reach the
/// set-up pages, but loses its roles, so Core grants it nothing anywhere, and carries <see cref="PendingClaimType"/>:
/// <see cref="TwoFactorSetUpAuthorizationHandler"/> then refuses it every page but those of the set-up, and
/// <see cref="RevokedSessionResultHandler"/> sends the browser to the set-up and answers the API with a 403 that says
/// why. Whether the account has set it up comes from the principal (<see cref="PortalClaimTypes.TwoFactorEnabled"/>),
/// which the security stamp keeps current: setting it up or turning it off renews the stamp.
/// </summary>
internal static class TwoFactorRequirement
{
    /// <summary>On a principal that must set up two-factor sign-in first: the roles that require it.</summary>
    public const string PendingClaimType = "medicalportal:two_factor_required_by";

    /// <summary>Where a browser goes to set it up.</summary>
    public const string SetUpPage = "/Account/Manage/TwoFactorAuthentication";

    /// <summary>
    /// <paramref name="principal"/> as it may act: unchanged, or, when it holds a role of <paramref name="requiredRoles"/>
    /// and its account has not set up two-factor sign-in, without roles and marked with <see cref="PendingClaimType"/>.
    /// </summary>
    public static ClaimsPrincipal Apply(ClaimsPrincipal principal, IReadOnlyList<string> requiredRoles)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity
            || principal.HasClaim(PortalClaimTypes.TwoFactorEnabled, "true"))
        {
            return principal;
        }

        var requiring = identity.FindAll(identity.RoleClaimType).Select(c => c.Value)
            .Where(role => requiredRoles.Contains(role, StringComparer.OrdinalIgnoreCase))
            .ToList();
        if (requiring.Count == 0)
        {
            return principal;
        }

        var restricted = new ClaimsIdentity(
            identity.Claims.Where(c => c.Type != identity.RoleClaimType),
            identity.AuthenticationType,
            identity.NameClaimType,
            identity.RoleClaimType);
        restricted.AddClaim(new Claim(PendingClaimType, string.Join(", ", requiring)));
        return new ClaimsPrincipal(restricted);
    }

    public static bool IsPending(ClaimsPrincipal principal) => principal.HasClaim(c => c.Type == PendingClaimType);

    /// <summary>Why a pending principal is refused, for the API's problem.</summary>
    public static string ApiRefusal(ClaimsPrincipal principal) =>
        $"The {principal.FindFirstValue(PendingClaimType)} role requires two-factor sign-in, which this account has not set up: "
        + "set it up in the portal under My account, Two-factor authentication, then sign in again with a code.";
}
