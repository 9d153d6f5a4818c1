using System.Security.Claims;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Api.Auth;

/// <summary>
/// The answer to a sign-in or a refresh, <c>{ tokenType, accessToken, expiresIn, refreshToken }</c>: an access token
/// made exactly as ASP.NET Core's bearer handler makes and reads them (protected by Data Protection, expiring after
/// <c>Security:AccessTokenMinutes</c>), naming its API session; and the session's next one-time refresh token
/// (<see cref="ApiSessionStore"/>).
/// </summary>
internal sealed class ApiTokens(
    IOptionsMonitor<BearerTokenOptions> bearerOptions, IOptions<SecurityOptions> security, TimeProvider clock)
{
    public AccessTokenResponse Issue(ClaimsPrincipal principal, ApiSessionGrant session)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(session);
        var identity = new ClaimsIdentity(principal.Claims, IdentityConstants.BearerScheme);
        identity.AddClaim(new Claim(PortalClaimTypes.Session, session.SessionId.ToString("N")));

        var lifetime = TimeSpan.FromMinutes(security.Value.AccessTokenMinutes);
        var now = clock.GetUtcNow();
        var expires = now + lifetime < session.ExpiresAt ? now + lifetime : session.ExpiresAt;
        var ticket = new AuthenticationTicket(
            new ClaimsPrincipal(identity), new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = expires }, IdentityConstants.BearerScheme);

        return new AccessTokenResponse
        {
            AccessToken = bearerOptions.Get(IdentityConstants.BearerScheme).BearerTokenProtector.Protect(ticket),
            ExpiresIn = (long)(expires - now).TotalSeconds,
            RefreshToken = session.RefreshToken,
        };
    }

    /// <summary>The API session <paramref name="principal"/>'s access token names; null for a browser's principal.</summary>
    public static Guid? SessionOf(ClaimsPrincipal principal) =>
        Guid.TryParseExact(principal?.FindFirstValue(PortalClaimTypes.Session), "N", out var id) ? id : null;
}
