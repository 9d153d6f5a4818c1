using System.Security.Claims;
using MedicalPortal.Data.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Authentication;

/// <summary>
/// Runs after every successful authentication, cookie or bearer token: a principal whose account was locked, deleted,
/// or whose security stamp changed since it was issued (new role, new password) is treated as not signed in.
/// Bearer tokens have no server-side session, so this is what makes a locked account's tokens stop working at once.
/// The lookup is cached (<see cref="AccountStatusStore"/>) and invalidated by every change made through the portal.
/// </summary>
internal sealed class AccountStatusClaimsTransformation(AccountStatusStore accounts, IOptions<IdentityOptions> identity)
    : IClaimsTransformation
{
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        var claims = identity.Value.ClaimsIdentity;
        if (principal.Identity?.IsAuthenticated != true
            || principal.FindFirstValue(claims.UserIdClaimType) is not { } accountId
            || principal.FindFirstValue(claims.SecurityStampClaimType) is not { } stamp)
        {
            return principal;
        }

        var status = await accounts.GetAsync(accountId, CancellationToken.None);
        return status is null || status.IsLockedOut || !string.Equals(status.SecurityStamp, stamp, StringComparison.Ordinal)
            ? Anonymous
            : principal;
    }
}
