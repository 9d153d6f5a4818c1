using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Hosting;

/// <summary>
/// Sign-in, refresh and registration are throttled per client address and per account: beyond the limit the answer is
/// 429 with Retry-After (problem details on the API, a page in the browser), and the throttled attempt never reaches
/// the password check, so it counts towards no lockout.
/// </summary>
public sealed class SignInThrottlingTests
{
    [Fact]
    public async Task ApiLogin_BeyondTheAccountsLimit_Is429ForThatAccountOnly_AndCountsTowardsNoLockout()
    {
        await using var portal = Portal(("PerAccountPerQuarterHour", "3"), ("PerAddressPerMinute", "100"));
        using var client = portal.CreateAnonymousClient();
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await LoginAsync(client, DemoUsers.Admin, "Not-The-Password-1");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await LoginAsync(client, DemoUsers.Admin, DemoAccounts.DefaultPassword);
        using var otherAccount = await LoginAsync(client, DemoUsers.Doctor, DemoAccounts.DefaultPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(int.Parse(Assert.Single(throttled.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Try again in", (await throttled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, otherAccount.StatusCode);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Equal(3, await users.GetAccessFailedCountAsync((await users.FindByEmailAsync(DemoUsers.Admin))!));
    }

    [Fact]
    public async Task SignIn_BeyondTheAddresssLimit_Is429ForEveryAccount_InTheBrowserAsAPage()
    {
        await using var portal = Portal(("PerAddressPerMinute", "3"));
        using var client = portal.CreateAnonymousClient();
        foreach (var email in new[] { DemoUsers.Doctor, DemoUsers.Nurse, DemoUsers.Researcher })
        {
            using var allowed = await LoginAsync(client, email, DemoAccounts.DefaultPassword);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var pages = AccountPages.Anonymous(portal);
        using var form = await pages.SubmitAsync("/Account/Login", "login",
            new() { ["Input.Email"] = DemoUsers.Admin, ["Input.Password"] = DemoAccounts.DefaultPassword });

        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
        Assert.True(form.Headers.Contains("Retry-After"));
        Assert.Equal("text/html", form.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many attempts", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegistrationAndRefresh_BeyondTheirLimits_Are429()
    {
        await using var portal = Portal(("RegistrationsPerAddressPerHour", "2"), ("RefreshesPerAddressPerMinute", "2"));
        using var client = portal.CreateAnonymousClient();

        var registrations = new List<HttpStatusCode>();
        var refreshes = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "not-an-email", password = "x" });
            registrations.Add(registered.StatusCode);
            using var refreshed = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "not-a-token" });
            refreshes.Add(refreshed.StatusCode);
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], registrations);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], refreshes);
    }

    private static PortalFactory Portal(params (string Key, string Value)[] limits) => new()
    {
        Settings = limits.ToDictionary(l => $"Security:SignInLimits:{l.Key}", l => (string?)l.Value),
    };

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
}
