using System.Globalization;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace MedicalPortal.Web.Authentication;

/// <summary>
/// Ends a browser session on the server, whatever the tab does (HIPAA 164.312(a)(2)(iii), ASVS V7.3): after
/// <c>Security:IdleTimeoutMinutes</c> without a request, and <c>Security:SessionHours</c> after the sign-in however
/// active. The cookie carries when its session signed in and when it was last seen (inside the protected ticket, so the
/// browser cannot change them); a request inside the limits moves "last seen" on, at most once a
/// <see cref="RenewalInterval"/>, so a working user's cookie is re-issued about once a minute and not on every request.
/// An interactive tab sends no HTTP requests while its user works in it: <c>IdleSignOutTimer</c> calls
/// <c>/Account/KeepAlive</c> for them.
/// </summary>
internal static class SessionLifetime
{
    private const string SignedInKey = ".medicalportal.signedIn";
    private const string SeenKey = ".medicalportal.seen";

    /// <summary>How often, at most, a request moves "last seen" on: a minute, or a quarter of a shorter idle timeout.</summary>
    public static TimeSpan RenewalInterval(SecurityOptions security)
    {
        ArgumentNullException.ThrowIfNull(security);
        var quarter = TimeSpan.FromMinutes(security.IdleTimeoutMinutes / 4);
        return quarter < TimeSpan.FromMinutes(1) ? quarter : TimeSpan.FromMinutes(1);
    }

    /// <summary>Adds the checks to the application cookie's events, before Identity's security stamp check.</summary>
    public static void Apply(CookieAuthenticationEvents events, SecurityOptions security)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(security);
        var idle = TimeSpan.FromMinutes(security.IdleTimeoutMinutes);
        var absolute = TimeSpan.FromHours(security.SessionHours);
        var renewAfter = RenewalInterval(security);

        var signingIn = events.OnSigningIn;
        events.OnSigningIn = context =>
        {
            // A renewed sign-in (a new role's claims, two-factor set up) keeps its session's start; a new one starts now.
            var now = Now(context.Options);
            context.Properties.Items.TryAdd(SignedInKey, Format(now));
            context.Properties.Items[SeenKey] = Format(now);
            return signingIn(context);
        };

        var validate = events.OnValidatePrincipal;
        events.OnValidatePrincipal = async context =>
        {
            var now = Now(context.Options);
            var signedIn = Read(context.Properties, SignedInKey) ?? context.Properties.IssuedUtc ?? DateTimeOffset.MinValue;
            var seen = Read(context.Properties, SeenKey) ?? context.Properties.IssuedUtc ?? DateTimeOffset.MinValue;
            if (now - signedIn >= absolute || now - seen >= idle)
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(context.Scheme.Name);
                return;
            }

            if (now - seen >= renewAfter)
            {
                context.Properties.Items[SeenKey] = Format(now);
                context.ShouldRenew = true;
            }

            await validate(context);
        };
    }

    private static DateTimeOffset Now(AuthenticationSchemeOptions options) => (options.TimeProvider ?? TimeProvider.System).GetUtcNow();

    private static string Format(DateTimeOffset instant) => instant.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Read(AuthenticationProperties properties, string key) =>
        properties.Items.TryGetValue(key, out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : null;
}
