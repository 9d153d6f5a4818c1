using System.Security.Claims;
using MedicalPortal.Data.Accounts;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Api.Auth;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Authentication;

/// <summary>
/// Runs after every successful authentication, cookie or bearer token: a principal whose account was locked, deleted,
/// or whose security stamp changed since it was issued (new role, new password) is treated as not signed in.
/// A bearer token also counts only while its API session does (signed out, a refresh token reused, over: see
/// <see cref="ApiSessionStore"/>); this is what makes a locked account's or an ended session's tokens stop at once.
/// The lookup is cached (<see cref="AccountStatusStore"/>) and invalidated by every change made through the portal.
/// A principal that still counts but whose role requires two-factor sign-in its account has not set up loses its roles
/// until it has (<see cref="TwoFactorRequirement"/>).
/// </summary>
internal sealed class AccountStatusClaimsTransformation(
    AccountStatusStore accounts, ApiSessionStore sessions, IOptions<IdentityOptions> identity, IOptions<SecurityOptions> security)
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

        var counts = await accounts.IsCurrentAsync(accountId, stamp, CancellationToken.None)
            && (ApiTokens.SessionOf(principal) is not { } session || await sessions.IsActiveAsync(session, CancellationToken.None));
        return counts
            ? TwoFactorRequirement.Apply(principal, security.Value.TwoFactorRoles)
            : new ClaimsPrincipal(new ClaimsIdentity());
    }
}
