using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MedicalPortal.Data.Accounts;

namespace MedicalPortal.Web.Components.Account;

// Revalidates the signed-in account of every open circuit each minute: a locked account, a new role or a new
// password (all of which renew the security stamp) end the session within a minute, on every node.
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        AccountStatusStore accounts,
        IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var principal = authenticationState.User;
        var claims = options.Value.ClaimsIdentity;
        if (principal.FindFirstValue(claims.UserIdClaimType) is not { } accountId)
        {
            return false;
        }

        return await accounts.IsCurrentAsync(accountId, principal.FindFirstValue(claims.SecurityStampClaimType), cancellationToken);
    }
}
