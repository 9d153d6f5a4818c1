using System.Security.Claims;
using MedicalPortal.Data.Accounts;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Authentication;

/// <summary>
/// Runs after every successful authentication, cookie or bearer token: a principal whose account was locked, deleted,
/// or whose security stamp changed since it was issued (new role, new password) is treated as not signed in.
/// Bearer tokens have no server-side session, so this is what makes a locked account's tokens stop working at once.
/// The lookup is cached (<see cref="AccountStatusStore"/>) and invalidated by every change made through the portal.
/// A principal that still counts but whose role requires two-factor sign-in its account has not set up loses its roles
/// until it has (<see cref="TwoFactorRequirement"/>).
/// </summary>
internal sealed class AccountStatusClaimsTransformation(
    AccountStatusStore accounts, IOptions<IdentityOptions> identity, IOptions<SecurityOptions> security)
    : IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        var claims = identity.Value.ClaimsIdentity;
        if (principal.Identity?.IsAuthenticated != true
            || principal.FindFirstValue(claims.UserIdClaimType) is not { } accountId
            || principal.FindFirstValue(claims.SecurityStampClaimType) is not { } stamp)
        {
            return principal;
        }

        return await accounts.IsCurrentAsync(accountId, stamp, CancellationToken.None)
            ? TwoFactorRequirement.Apply(principal, security.Value.TwoFactorRoles)
            : new ClaimsPrincipal(new ClaimsIdentity());
    }
}
