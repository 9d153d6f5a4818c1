using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Api.Auth;

/// <summary>
/// The scheme Identity's sign-in manager signs in to on <c>POST /api/v1/auth/login</c>. Identity decides (password,
/// lockout, two-factor code) and makes the principal; this handler only keeps that principal for the request, so the
/// endpoint can issue the session's tokens itself (<see cref="ApiTokens"/>). It authenticates nothing.
/// </summary>
internal sealed class ApiSignInHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : SignInAuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MedicalPortal.ApiSignIn";

    private static readonly object Key = new();

    /// <summary>The principal Identity signed in during this request; null when the sign-in did not succeed.</summary>
    public static ClaimsPrincipal? SignedIn(HttpContext context) => context.Items[Key] as ClaimsPrincipal;

    protected override Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        Context.Items[Key] = user;
        return Task.CompletedTask;
    }

    protected override Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        Context.Items.Remove(Key);
        return Task.CompletedTask;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
}
