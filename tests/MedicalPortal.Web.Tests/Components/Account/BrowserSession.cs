using System.Net;
using System.Text.RegularExpressions;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MedicalPortal.Web.Tests.Components.Account;

/// <summary>
/// A browser over plain HTTP that signs in through the sign-in page, keeps its cookies, follows no redirect (so a test
/// sees where it is sent), opens any page and posts the forms a page rendered with their hidden fields, as
/// <see cref="AccountPages"/> does for pages that answer 200.
/// </summary>
internal sealed partial class BrowserSession : IDisposable
{
    private readonly HttpClient _client;

    private BrowserSession(HttpClient client) => _client = client;

    public static async Task<BrowserSession> SignInAsync(PortalFactory portal, string email, string password)
    {
        var browser = new BrowserSession(portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));
        using var signedIn = await browser.SubmitAsync("/Account/Login", "value=\"login\"", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        if (signedIn.StatusCode != HttpStatusCode.Redirect || signedIn.Headers.Location?.OriginalString.Contains("Login", StringComparison.Ordinal) == true)
        {
            browser.Dispose();
            throw new InvalidOperationException($"Signing in through the sign-in page answered {(int)signedIn.StatusCode}.");
        }

        return browser;
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
    /// Opens <paramref name="path"/> and submits its first form whose markup contains <paramref name="formMarker"/>
    /// (its handler name, <c>value="login"</c>, or its action, <c>action="Account/Logout"</c>) with <paramref name="fields"/>
    /// and the hidden fields the page rendered.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, string formMarker, Dictionary<string, string> fields)
    {
        using var page = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var form = Forms().Matches(html).Select(m => m.Value).FirstOrDefault(f => f.Contains(formMarker, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{path} has no form with {formMarker}.");
        var action = FormAction().Match(form) is { Success: true } match ? "/" + WebUtility.HtmlDecode(match.Groups["action"].Value).TrimStart('/') : path;

        var values = HiddenInputs().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
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
