using System.Net;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Web.Tests.Components.Account;

/// <summary>
/// The server ends a browser session by itself, whatever the tab does: after <c>Security:IdleTimeoutMinutes</c> (15)
/// without a request, and <c>Security:SessionHours</c> (12) after the sign-in however active it was. The cookie alone
/// decides, so a copied cookie or a tab left open elsewhere gets no longer than its owner would.
/// </summary>
[Collection(SharedPortals.Clocked)]
public sealed class SessionLifetimeTests(ClockedPortal fixture)
{
    private const string StaffPage = "/patients";

    private readonly PortalFactory _portal = fixture.Portal;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    [Fact]
    public async Task Cookie_IdleForTheTimeout_IsRefusedAndSentToSignIn()
    {
        // Arrange
        using var browser = await AccountPages.SignInAsync(_portal, DemoUsers.Nurse, DemoAccounts.DefaultPassword);
        _clock.Advance(TimeSpan.FromMinutes(15));

        // Act
        using var page = await browser.GetAsync(StaffPage);
        using var again = await browser.GetAsync(StaffPage);

        // Assert: refused, and the cookie was taken back, so the next request is not signed in either.
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/Login", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task Cookie_JustUnderTheIdleTimeout_StillWorks()
    {
        // Arrange
        using var browser = await AccountPages.SignInAsync(_portal, DemoUsers.Nurse, DemoAccounts.DefaultPassword);
        _clock.Advance(TimeSpan.FromMinutes(14));

        // Act
        using var page = await browser.GetAsync(StaffPage);

        // Assert
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Cookie_RequestsEveryTenMinutes_StaysSignedInPastTheIdleTimeout()
    {
        // Arrange
        using var browser = await AccountPages.SignInAsync(_portal, DemoUsers.Nurse, DemoAccounts.DefaultPassword);

        // Act: an hour of work, a request every ten minutes.
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(10));
            using var page = await browser.GetAsync(StaffPage);
            answers.Add(page.StatusCode);
        }

        // Assert
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task KeepAlive_EveryTenMinutes_EndsTwelveHoursAfterSignIn()
    {
        // Arrange: a tab open all day whose user keeps working in it (the tab calls /Account/KeepAlive).
        using var browser = await AccountPages.SignInAsync(_portal, DemoUsers.Nurse, DemoAccounts.DefaultPassword);
        var signedIn = _clock.GetUtcNow();
        var kept = new List<HttpStatusCode>();
        while (_clock.GetUtcNow() + TimeSpan.FromMinutes(10) < signedIn + TimeSpan.FromHours(12))
        {
            _clock.Advance(TimeSpan.FromMinutes(10));
            using var alive = await browser.GetAsync("/Account/KeepAlive");
            kept.Add(alive.StatusCode);
        }

        // Act
        _clock.Advance(signedIn + TimeSpan.FromHours(12) - _clock.GetUtcNow());
        using var ended = await browser.GetAsync("/Account/KeepAlive");
        using var page = await browser.GetAsync(StaffPage);

        // Assert
        Assert.All(kept, status => Assert.Equal(HttpStatusCode.NoContent, status));
        Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task KeepAlive_NotSignedIn_Returns401AndIsNeverCached()
    {
        // Arrange
        using var client = _portal.CreateAnonymousClient();

        // Act
        using var response = await client.GetAsync("/Account/KeepAlive");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }
}
