namespace MedicalPortal.Web.Components.Account;

/// <summary>
/// The one place that turns an address the account pages are to send a browser to (a <c>ReturnUrl</c> from a query or
/// a form, or an address a page built) into a path on the portal, relative to its base. Whatever it is given, it
/// never throws and never yields an address elsewhere: anything that does not resolve to a path under the portal's
/// base (another host, <c>//host</c>, <c>/\host</c>, <c>javascript:</c>), holds a control character or a backslash
/// (in its path also percent-encoded), or is longer than <see cref="MaxLength"/> becomes the home page.
/// </summary>
internal static class LocalReturnUrl
{
    /// <summary>The home page: the base itself.</summary>
    public const string Home = "";

    /// <summary>Longer return addresses are not followed: no page of the portal needs one, and proxies cap headers.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// <paramref name="returnUrl"/> as a path relative to <paramref name="baseUri"/> (no leading slash, so it cannot be
    /// read as <c>//host</c>), or <see cref="Home"/>.
    /// </summary>
    public static string ToBaseRelative(string? returnUrl, Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        if (string.IsNullOrWhiteSpace(returnUrl) || returnUrl.Length > MaxLength || HasUnsafeCharacter(returnUrl)
            || !Uri.TryCreate(baseUri, returnUrl, out var target)
            || !string.Equals(target.GetLeftPart(UriPartial.Authority), baseUri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            return Home;
        }

        // What is emitted is the resolved address's own path, never the text that came in.
        var local = target.GetComponents(UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped);
        var basePath = baseUri.AbsolutePath;
        if (!local.StartsWith(basePath, StringComparison.OrdinalIgnoreCase))
        {
            return Home;
        }

        // The path is also checked decoded: a server or proxy that decodes it must not find "//host" or a control character.
        var relative = local[basePath.Length..];
        var end = relative.IndexOfAny(['?', '#']);
        var path = Uri.UnescapeDataString(end < 0 ? relative : relative[..end]);
        return relative.Length > MaxLength || path.StartsWith('/') || HasUnsafeCharacter(path)
            ? Home
            : relative;
    }

    /// <summary>The base of a request outside a page (where there is no <c>NavigationManager</c>): scheme, host and path base.</summary>
    public static Uri BaseOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var host = request.Host.HasValue ? request.Host.Value : "localhost";
        return Uri.TryCreate($"{request.Scheme}://{host}{request.PathBase}/", UriKind.Absolute, out var baseUri)
            ? baseUri
            : new Uri("http://localhost/");
    }

    private static bool HasUnsafeCharacter(string text) => text.Any(c => char.IsControl(c) || c == '\\');
}
