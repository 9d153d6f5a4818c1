using System.Collections.Frozen;
using MedicalPortal.Web.Components.Account.Pages;
using MedicalPortal.Web.Components.Account.Pages.Manage;
using MedicalPortal.Web.Components.Pages;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;

namespace MedicalPortal.Web.Authentication;

/// <summary>
/// Runs in every authorization of a request, whatever its policy (pages, the API, downloads, and through the fallback
/// policy also pages that ask for no sign-in): a principal that must set up two-factor sign-in first
/// (<see cref="TwoFactorRequirement"/>) is refused every page but those of the set-up, and every endpoint that asks for
/// a signed-in caller. What needs no sign-in and is no page (scripts, styles, signing out) stays open, so the set-up
/// pages work and the account can always sign out.
/// </summary>
internal sealed class TwoFactorSetUpAuthorizationHandler : IAuthorizationHandler
{
    /// <summary>Setting up an authenticator app (and starting over with a new key), signing out when idle, and errors.</summary>
    private static readonly FrozenSet<Type> SetUpPages = new[]
    {
        typeof(TwoFactorAuthentication), typeof(EnableAuthenticator), typeof(ResetAuthenticator), typeof(IdleSignOut),
        typeof(Error), typeof(NotFound),
    }.ToFrozenSet();

    /// <summary>
    /// Makes the authorization middleware evaluate endpoints that have no policy of their own (such as the home page),
    /// so this handler sees them; it demands nothing by itself. Set only when nothing else set a fallback policy.
    /// </summary>
    public static AuthorizationPolicy FallbackPolicy { get; } = new AuthorizationPolicyBuilder().RequireAssertion(_ => true).Build();

    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (TwoFactorRequirement.IsPending(context.User) && context.Resource is HttpContext request && !IsOpen(request.GetEndpoint()))
        {
            context.Fail(new AuthorizationFailureReason(this, TwoFactorRequirement.ApiRefusal(context.User)));
        }

        return Task.CompletedTask;
    }

    private static bool IsOpen(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<ComponentTypeMetadata>() is { } page
            ? SetUpPages.Contains(page.Type)
            : endpoint?.Metadata.GetMetadata<IAuthorizeData>() is null && endpoint?.Metadata.GetMetadata<AuthorizationPolicy>() is null;
}
