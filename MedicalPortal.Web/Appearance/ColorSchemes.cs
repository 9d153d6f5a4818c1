using System.Security.Claims;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Components.Account;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Primitives;

namespace MedicalPortal.Web.Appearance;

/// <summary>Which theme a person wants: the one their system uses, or always light, or always dark.</summary>
public enum ColorScheme
{
    System,
    Light,
    Dark,
}

/// <summary>
/// The light or dark theme each page is rendered in, decided on the server so that even a page without a circuit (the
/// sign-in and account pages, the patient list) opens in it, without a flash of the other. The person's choice lives on
/// their account (<see cref="ApplicationUser.ColorScheme"/>, so it follows them to another computer) and in a cookie
/// of this browser (so the pages before sign-in have it too; signing in sets it from the account). "System" follows
/// the browser: Chromium-based browsers tell the server in the <c>Sec-CH-Prefers-Color-Scheme</c> client hint, asked
/// for on every page; for the others a small script reports it in a second cookie, and an interactive page follows
/// a change of the system setting as it happens. Decision 0037.
/// </summary>
public static class ColorSchemes
{
    /// <summary>This browser's copy of the person's choice: <c>light</c> or <c>dark</c>; absent means "system".</summary>
    public const string CookieName = "MedicalPortal.ColorScheme";

    /// <summary>What the browser's own setting was when a page last looked (wwwroot/js/color-scheme.js).</summary>
    public const string SystemCookieName = "MedicalPortal.SystemColorScheme";

    public const string ClientHint = "Sec-CH-Prefers-Color-Scheme";

    /// <summary>Where the switch in the app bar and the profile page's choice are posted.</summary>
    public const string Path = "/preferences/color-scheme";

    public static string NameOf(ColorScheme scheme) => scheme switch
    {
        ColorScheme.Light => "light",
        ColorScheme.Dark => "dark",
        _ => "system",
    };

    /// <summary>Reads <c>system</c>, <c>light</c> or <c>dark</c> (any case); anything else is not a scheme.</summary>
    public static bool TryParse(string? text, out ColorScheme scheme)
    {
        scheme = text?.Trim().ToUpperInvariant() switch
        {
            "SYSTEM" => ColorScheme.System,
            "LIGHT" => ColorScheme.Light,
            "DARK" => ColorScheme.Dark,
            _ => (ColorScheme)(-1),
        };
        return Enum.IsDefined(scheme);
    }

    /// <summary>The choice this browser carries; "system" when it carries none (or one it cannot read).</summary>
    public static ColorScheme PreferenceOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return TryParse(context.Request.Cookies[CookieName], out var scheme) ? scheme : ColorScheme.System;
    }

    /// <summary>Whether the browser's own setting is dark, as far as the request tells (the client hint, else the cookie).</summary>
    public static bool? SystemIsDark(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reported = context.Request.Headers[ClientHint].ToString().Trim('"', ' ');
        if (string.IsNullOrEmpty(reported))
        {
            reported = context.Request.Cookies[SystemCookieName] ?? "";
        }

        return reported switch
        {
            "dark" => true,
            "light" => false,
            _ => null,
        };
    }

    /// <summary>Whether <paramref name="context"/>'s page is rendered dark.</summary>
    public static bool IsDark(HttpContext context) => PreferenceOf(context) switch
    {
        ColorScheme.Dark => true,
        ColorScheme.Light => false,
        _ => SystemIsDark(context) ?? false,
    };

    /// <summary>Makes this browser carry <paramref name="scheme"/> (for a year; "system" removes the cookie).</summary>
    public static void Remember(HttpContext context, ColorScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (scheme == ColorScheme.System)
        {
            context.Response.Cookies.Delete(CookieName);
            return;
        }

        context.Response.Cookies.Append(CookieName, NameOf(scheme), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
        });
    }

    /// <summary>
    /// Asks Chromium-based browsers for their colour scheme on every request (<c>Critical-CH</c>: a page first asked for
    /// without it may be asked for again with it), and tells caches that a page depends on it. The API and FHIR never
    /// answer a page, so their requests (the portal's busiest) skip it.
    /// </summary>
    internal static IApplicationBuilder UseColorSchemeHints(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase))
            {
                return next(context);
            }

            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    headers["Accept-CH"] = ClientHint;
                    headers.Vary = StringValues.Concat(headers.Vary, ClientHint);
                    if (HttpMethods.IsGet(context.Request.Method))
                    {
                        // Only a GET may be repeated for the hint: a form's answer never asks to be sent again.
                        headers["Critical-CH"] = ClientHint;
                    }
                }

                return Task.CompletedTask;
            });
            return next(context);
        });

    /// <summary>
    /// <c>POST /preferences/color-scheme</c>, a form (antiforgery-checked) with <c>scheme</c> and <c>returnUrl</c>:
    /// this browser carries the choice from now on, and a signed-in person's account keeps it. Then back to the page.
    /// </summary>
    internal static void MapColorSchemePreference(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, ChooseAsync).ExcludeFromDescription();

    private static async Task<IResult> ChooseAsync(
        HttpContext context,
        [FromServices] UserManager<ApplicationUser> users,
        [FromForm] string? scheme,
        [FromForm] string? returnUrl)
    {
        if (!TryParse(scheme, out var chosen))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["scheme"] = ["Choose the system's theme, the light theme or the dark theme (system, light or dark)."],
            });
        }

        if (context.User.Identity?.IsAuthenticated == true && await users.GetUserAsync(context.User) is { } user)
        {
            user.ColorScheme = NameOf(chosen);
            var saved = await users.UpdateAsync(user);
            if (!saved.Succeeded)
            {
                return TypedResults.Problem(
                    "Your choice could not be saved to your account; please try again.", statusCode: StatusCodes.Status409Conflict);
            }
        }

        Remember(context, chosen);
        return TypedResults.LocalRedirect("~/" + LocalReturnUrl.ToBaseRelative(returnUrl, LocalReturnUrl.BaseOf(context.Request)));
    }

    /// <summary>When a person signs in with a cookie, this browser takes the choice their account keeps (if they made one).</summary>
    internal static void FollowAccountOnSignIn(CookieAuthenticationEvents events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var signedIn = events.OnSignedIn;
        events.OnSignedIn = async context =>
        {
            var users = context.HttpContext.RequestServices.GetRequiredService<UserManager<ApplicationUser>>();
            if (context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
                && await users.FindByIdAsync(id) is { ColorScheme: var stored }
                && TryParse(stored, out var scheme))
            {
                Remember(context.HttpContext, scheme);
            }

            await signedIn(context);
        };
    }
}
