using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// A browser over plain HTTP: a client that keeps its cookies and follows no redirect (so a test sees where it is
/// sent), opens any page, and posts the forms a page rendered with their own hidden fields (handler name, antiforgery
/// token) as a browser would. Signs in through the sign-in page, like a person at the keyboard.
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

    /// <summary>Signs in through the sign-in page and keeps the cookie; fails unless the page lets the browser in.</summary>
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

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(new Uri(path, UriKind.Relative));

    /// <summary>The page's HTML, decoded; fails unless it answers 200.</summary>
    public async Task<string> PageAsync(string path)
    {
        using var page = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Opens <paramref name="path"/> and submits its first form named by <paramref name="form"/>: its handler name
    /// (<c>login</c>), or any piece of its markup (<c>action="Account/Logout"</c>, <c>value="send-code"</c>), with
    /// <paramref name="fields"/> and the hidden fields the page rendered, to the form's action.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, string form, Dictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(fields);
        using var page = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var marker = form.Contains('"', StringComparison.Ordinal) ? form : $"value=\"{form}\"";
        var markup = Forms().Matches(html).Select(m => m.Value).FirstOrDefault(f => f.Contains(marker, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{path} has no form with {marker}.");
        var action = FormAction().Match(markup) is { Success: true } match ? "/" + WebUtility.HtmlDecode(match.Groups["action"].Value).TrimStart('/') : path;

        var values = HiddenInputs().Matches(markup).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }

        using var content = new FormUrlEncodedContent(values);
        return await _client.PostAsync(new Uri(action, UriKind.Relative), content);
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.Singleline)]
    private static partial Regex Forms();

    [GeneratedRegex("^<form\\b[^>]*\\baction=\"(?<action>[^\"]+)\"")]
    private static partial Regex FormAction();

    /// <summary>Hidden inputs; an empty value is rendered as a bare <c>value</c> attribute, and a browser sends it as empty.</summary>
    [GeneratedRegex("<input\\b(?=[^>]*\\btype=\"hidden\")(?=[^>]*\\bname=\"(?<name>[^\"]*)\")(?:(?=[^>]*\\bvalue=\"(?<value>[^\"]*)\"))?[^>]*>")]
    private static partial Regex HiddenInputs();
}
