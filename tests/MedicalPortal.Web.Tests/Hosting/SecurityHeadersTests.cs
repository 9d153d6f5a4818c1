using System.Net;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Hosting;

/// <summary>
/// Every kind of answer carries the security headers: pages (with the page policy Blazor and MudBlazor work under),
/// the API's JSON and problem details, the research CSV, static files and health (with a policy that loads nothing).
/// </summary>
[Collection(SharedPortals.Default)]
public sealed class SecurityHeadersTests(PortalFactory portal)
{
    private const string DemoStudy = "0198f0a0-2026-8000-8000-000000000001";

    public static TheoryData<string, string?, HttpStatusCode, bool> Answers() => new()
    {
        { "/Account/Login", null, HttpStatusCode.OK, true },
        { "/not-a-page", null, HttpStatusCode.NotFound, true },
        { "/api/v1/patients?q=a", null, HttpStatusCode.Unauthorized, false },
        { "/api/v1/patients?q=a", DemoUsers.Doctor, HttpStatusCode.OK, false },
        { "/api/v1/patients/not-a-guid-at-all", DemoUsers.Doctor, HttpStatusCode.NotFound, false },
        { $"/api/v1/studies/{DemoStudy}/export.csv", DemoUsers.Researcher, HttpStatusCode.OK, false },
        { "/app.css", null, HttpStatusCode.OK, false },
        { "/health/ready", null, HttpStatusCode.OK, false },
        { "/openapi/v1.json", null, HttpStatusCode.OK, false },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task EveryAnswer_CarriesNosniffReferrerPolicyAndAContentSecurityPolicy(string path, string? user, HttpStatusCode status, bool page)
    {
        using var client = user is null ? portal.CreateAnonymousClient() : await portal.CreateClientForAsync(user);

        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        if (page)
        {
            Assert.Matches("script-src 'self' 'nonce-[0-9a-f]{32}';", policy);
            Assert.DoesNotContain("unsafe-inline", policy.Split("script-src")[1].Split(';')[0], StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
            Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'self'", policy, StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith("default-src 'none'", policy, StringComparison.Ordinal);
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        }
    }

    [Fact]
    public async Task APage_TheImportMapCarriesThisRequestsNonce_AndNoOtherRequestsOne()
    {
        using var client = portal.CreateAnonymousClient();

        var (first, firstHtml) = await PageAsync(client);
        var (second, _) = await PageAsync(client);

        Assert.NotEqual(first, second);
        Assert.Contains($"nonce=\"{first}\"", firstHtml, StringComparison.Ordinal);
        Assert.Contains("type=\"importmap\"", firstHtml, StringComparison.Ordinal);
    }

    private static async Task<(string Nonce, string Html)> PageAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/Account/Login");
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var nonce = System.Text.RegularExpressions.Regex.Match(policy, "'nonce-([^']+)'").Groups[1].Value;
        return (nonce, await response.Content.ReadAsStringAsync());
    }
}
