namespace MedicalPortal.Web.Hosting;

/// <summary>
/// The headers every answer carries (pages, the API, CSV downloads, problem details, static files), set as the
/// response starts so that nothing down the pipeline forgets them:
/// <list type="bullet">
/// <item><c>X-Content-Type-Options: nosniff</c>: a CSV or JSON answer is never run as a script or page.</item>
/// <item><c>Referrer-Policy: same-origin</c>: a page's address (which holds a patient's id) never goes to another site.</item>
/// <item>A content security policy. Pages: scripts only from the portal itself (Blazor's and MudBlazor's files: no
/// inline script but the import map, which carries this request's nonce; no eval), styles from the portal and inline (MudBlazor writes its theme as an inline style sheet and
/// sizes with style attributes), images and fonts from the portal and data: URLs, connections (the circuit's
/// WebSocket) to the portal only, no plugins, forms posting to the portal only, no framing by other sites. Everything
/// else (JSON, CSV): nothing may be loaded or run at all.</item>
/// <item><c>X-Frame-Options: DENY</c> outside pages, for browsers that predate frame-ancestors (pages get
/// <c>SAMEORIGIN</c> from antiforgery).</item>
/// </list>
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The page policy for a request whose nonce (which only the import map carries) is <paramref name="nonce"/>.</summary>
    public static string PagePolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

    private const string NonceItem = "MedicalPortal.ScriptNonce";

    /// <summary>
    /// This request's script nonce: Blazor's import map is an inline script (it maps module names to their
    /// fingerprinted files), and it is the one inline script a page may run.
    /// </summary>
    public static string NonceOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items[NonceItem] is not string nonce)
        {
            // Hex: 128 random bits in characters that HTML never escapes, so the attribute reads as the header does.
            nonce = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            context.Items[NonceItem] = nonce;
        }

        return nonce;
    }

    public const string DataPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox";

    internal static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                var page = context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
                headers.ContentSecurityPolicy = page ? PagePolicy(NonceOf(context)) : DataPolicy;
                if (!page)
                {
                    headers.XFrameOptions = "DENY";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
}
