using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Hosting;

/// <summary>
/// <c>Security:SignInLimits</c>: how often one client address, and how often one account, may try to sign in (the
/// sign-in form, its two-factor steps, the API's login), refresh a token, or register. Lockout (five wrong passwords)
/// still protects an account against guesses spread over many addresses; these limits stop one client from trying
/// fast, and from locking out many accounts in a minute. Sliding windows.
/// </summary>
public sealed class SignInLimitOptions
{
    public const string SectionName = "Security:SignInLimits";

    /// <summary>Sign-in attempts per client address per minute (a clinic behind one address signs its staff in through it).</summary>
    [Range(1, 1_000_000)]
    public int PerAddressPerMinute { get; set; } = 30;

    /// <summary>Sign-in attempts per account (by e-mail) per 15 minutes, from anywhere.</summary>
    [Range(1, 1_000_000)]
    public int PerAccountPerQuarterHour { get; set; } = 10;

    /// <summary>Token refreshes per client address per minute.</summary>
    [Range(1, 1_000_000)]
    public int RefreshesPerAddressPerMinute { get; set; } = 60;

    /// <summary>Self-registrations per client address per hour.</summary>
    [Range(1, 1_000_000)]
    public int RegistrationsPerAddressPerHour { get; set; } = 20;
}

/// <summary>
/// ASP.NET Core's rate limiter in front of everything that takes a password or a token for one: a 429 with
/// <c>Retry-After</c> (problem details on the API, a short page in the browser). What it refuses never reaches the
/// endpoint, so it neither counts towards an account's lockout nor reveals whether the password was right.
/// </summary>
internal static class SignInThrottling
{
    private const string AccountItem = "MedicalPortal.SignInAccount";

    /// <summary>The largest sign-in body read for its e-mail (the API's own limit).</summary>
    private const long MaxJsonBytes = 64 * 1024;

    private static readonly string[] SignInForms = ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode"];

    private enum Kind
    {
        None,
        SignIn,
        Refresh,
        Registration,
    }

    public static IServiceCollection AddSignInThrottling(this IServiceCollection services)
    {
        services.AddOptions<SignInLimitOptions>().BindConfiguration(SignInLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SignInLimitOptions>>((options, limits) =>
        {
            var l = limits.Value;
            var byAddress = PartitionedRateLimiter.Create<HttpContext, string>(context => KindOf(context) switch
            {
                Kind.SignIn => Window($"sign-in:{Address(context)}", l.PerAddressPerMinute, TimeSpan.FromMinutes(1)),
                Kind.Refresh => Window($"refresh:{Address(context)}", l.RefreshesPerAddressPerMinute, TimeSpan.FromMinutes(1)),
                Kind.Registration => Window($"register:{Address(context)}", l.RegistrationsPerAddressPerHour, TimeSpan.FromHours(1)),
                _ => RateLimitPartition.GetNoLimiter(""),
            });
            var byAccount = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                KindOf(context) == Kind.SignIn && context.Items[AccountItem] is string account
                    ? Window($"account:{account}", l.PerAccountPerQuarterHour, TimeSpan.FromMinutes(15))
                    : RateLimitPartition.GetNoLimiter(""));
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(byAddress, byAccount);
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>Reads which account a sign-in is for (the form's or the JSON body's e-mail), then throttles.</summary>
    public static IApplicationBuilder UseSignInThrottling(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            if (KindOf(context) == Kind.SignIn)
            {
                try
                {
                    if (await AccountOfAsync(context.Request) is { } account)
                    {
                        context.Items[AccountItem] = account;
                    }
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    // A sign-in larger than any real one: refused before it is parsed.
                    context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    return;
                }
            }

            await next(context);
        });
        return app.UseRateLimiter();
    }

    private static Kind KindOf(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            return Kind.None;
        }

        var path = request.Path;
        return path.Equals("/api/v1/auth/login", StringComparison.OrdinalIgnoreCase)
            || SignInForms.Any(form => path.Equals(form, StringComparison.OrdinalIgnoreCase))
                ? Kind.SignIn
            : path.Equals("/api/v1/auth/refresh", StringComparison.OrdinalIgnoreCase) ? Kind.Refresh
            : path.Equals("/api/v1/auth/register", StringComparison.OrdinalIgnoreCase)
                || path.Equals("/Account/Register", StringComparison.OrdinalIgnoreCase) ? Kind.Registration
            : Kind.None;
    }

    private static RateLimitPartition<string> Window(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            SegmentsPerWindow = 6,
            QueueLimit = 0,
        });

    /// <summary>The client's address, as the forwarded headers of a known proxy give it (they run before this).</summary>
    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async Task<string?> AccountOfAsync(HttpRequest request)
    {
        string? email = null;
        if (request.HasFormContentType)
        {
            try
            {
                var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
                email = form["Input.Email"];
            }
            catch (Exception e) when (e is InvalidDataException || (e is IOException && e is not BadHttpRequestException))
            {
                // The page answers a malformed form itself; the address limit still applies.
            }
        }
        else if (request.HasJsonContentType() && request.ContentLength is null or < MaxJsonBytes)
        {
            // A JSON body may come without a length (chunked): buffered, and read only if it is small.
            request.EnableBuffering(bufferThreshold: (int)MaxJsonBytes, bufferLimit: MaxJsonBytes);
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
                email = document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("email", out var value) && value.ValueKind == JsonValueKind.String
                        ? value.GetString()
                        : null;
            }
            catch (Exception e) when (e is JsonException || (e is IOException && e is not BadHttpRequestException))
            {
                // The endpoint answers a malformed (or too large) body with its own problem details.
            }
            finally
            {
                request.Body.Position = 0;
            }
        }

        return string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToUpperInvariant();
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = $"Too many attempts from this address or for this account. Try again in {seconds} seconds.";
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests")
                .ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many attempts - MedicalPortal</title>" +
            "<link rel=\"stylesheet\" href=\"/app.css\"></head><body><main style=\"max-width:40rem;margin:4rem auto;font-family:sans-serif\">" +
            $"<h1>Too many attempts</h1><p>{detail}</p><p><a href=\"/Account/Login\">Back to sign-in</a></p></main></body></html>",
            cancellationToken);
    }
}
