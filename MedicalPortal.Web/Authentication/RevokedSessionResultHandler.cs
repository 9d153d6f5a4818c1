using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace MedicalPortal.Web.Authentication;

/// <summary>
/// A cookie or token that <see cref="AccountStatusClaimsTransformation"/> revoked still counts as a successful
/// authentication to the framework, which would then answer 403. The caller is in fact not signed in any more: answer
/// with a challenge (401 on the API, the sign-in page in the browser) so clients know to sign in again.
/// </summary>
internal sealed class RevokedSessionResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated != true)
        {
            return policy.AuthenticationSchemes.Count > 0
                ? Task.WhenAll(policy.AuthenticationSchemes.Select(scheme => context.ChallengeAsync(scheme)))
                : context.ChallengeAsync();
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
