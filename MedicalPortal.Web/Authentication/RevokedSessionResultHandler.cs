using MedicalPortal.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace MedicalPortal.Web.Authentication;

/// <summary>
/// A cookie or token that <see cref="AccountStatusClaimsTransformation"/> revoked still counts as a successful
/// authentication to the framework, which would then answer 403. The caller is in fact not signed in any more: answer
/// with a challenge (401 on the API, the sign-in page in the browser) so clients know to sign in again.
/// A caller refused because its role requires two-factor sign-in that its account has not set up
/// (<see cref="TwoFactorSetUpAuthorizationHandler"/>) is told so instead of a bare 403: the browser goes to the set-up
/// page, the API answers with a problem that says why.
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

        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault(r => r.Handler is TwoFactorSetUpAuthorizationHandler) is { } twoFactor)
        {
            return TwoFactorSetUpFirstAsync(context, twoFactor.Message);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }

    private static Task TwoFactorSetUpFirstAsync(HttpContext context, string reason)
    {
        if (!context.Request.Path.StartsWithSegments(ApiEndpoints.Prefix))
        {
            context.Response.Redirect($"{context.Request.PathBase}{TwoFactorRequirement.SetUpPage}");
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Two-factor sign-in required.",
                Detail = reason,
            },
        }).AsTask();
    }
}
