using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// A browser's view of the static-rendered account pages, over plain HTTP: a client that keeps its cookies, and form
/// posts that carry the form's own hidden fields (its handler name and antiforgery token) as a browser would.
/// </summary>
public sealed partial class AccountPages : IDisposable
{
    private readonly HttpClient _client;

    private AccountPages(HttpClient client) => _client = client;

    /// <summary>A browser that has not signed in.</summary>
    public static AccountPages Anonymous(PortalFactory portal)
    {
        ArgumentNullException.ThrowIfNull(portal);
        return new AccountPages(portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));
    }

    /// <summary>Signs in through the sign-in page, like a person at the keyboard, and keeps the cookie.</summary>
    public static async Task<AccountPages> SignInAsync(PortalFactory portal, string email, string password)
    {
        var pages = Anonymous(portal);
        using var signedIn = await pages.SubmitAsync("/Account/Login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        if (signedIn.StatusCode != HttpStatusCode.Redirect || signedIn.Headers.Location?.OriginalString.Contains("Login", StringComparison.Ordinal) == true)
        {
            pages.Dispose();
            throw new InvalidOperationException($"Signing in as {email} through the sign-in page answered {(int)signedIn.StatusCode}.");
        }

        return pages;
    }

    /// <summary>
    /// Opens <paramref name="path"/>, fills the form named <paramref name="formName"/> with <paramref name="fields"/> and
    /// submits it with the hidden fields the page rendered.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, string formName, Dictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        using var page = await _client.GetAsync(new Uri(path, UriKind.Relative));
        page.EnsureSuccessStatusCode();
        var html = await page.Content.ReadAsStringAsync();
        var form = Forms().Matches(html).Select(m => m.Value).FirstOrDefault(f => f.Contains($"value=\"{formName}\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{path} has no form named {formName}.");

        var values = HiddenInputs().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }

        using var content = new FormUrlEncodedContent(values);
        return await _client.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.Singleline)]
    private static partial Regex Forms();

    [GeneratedRegex("<input\\b(?=[^>]*\\btype=\"hidden\")(?=[^>]*\\bname=\"(?<name>[^\"]*)\")(?=[^>]*\\bvalue=\"(?<value>[^\"]*)\")[^>]*>")]
    private static partial Regex HiddenInputs();
}
