using System.Security.Claims;
using MedicalPortal.Web.Api.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Web.Tests.Api.Auth;

/// <summary>
/// The bearer token format remembers what it decrypted: the same token again is not decrypted again, each answer is a
/// copy of its own, and nothing that could not be used (expired, unreadable) is remembered.
/// </summary>
public sealed class CachedTicketFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);

    [Fact]
    public void Unprotect_SameTokenTwice_DecryptsItOnceAndAnswersTheSameClaims()
    {
        // Arrange
        var inner = new CountingFormat(Ticket(expires: Now.AddHours(1)));
        using var format = new CachedTicketFormat(inner, _clock);

        // Act
        var first = format.Unprotect("token-a");
        var second = format.Unprotect("token-a");

        // Assert
        Assert.Equal(1, inner.Unprotected);
        Assert.Equal("account-1", second?.Principal.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.Equal(first?.Properties.ExpiresUtc, second?.Properties.ExpiresUtc);
    }

    [Fact]
    public void Unprotect_AnswerChangedByItsRequest_NextAnswerIsUnchanged()
    {
        // Arrange: a request that adds a claim to its principal (as a claims transformation may).
        var inner = new CountingFormat(Ticket(expires: Now.AddHours(1)));
        using var format = new CachedTicketFormat(inner, _clock);
        var first = format.Unprotect("token-a")!;
        ((ClaimsIdentity)first.Principal.Identity!).AddClaim(new Claim(ClaimTypes.Role, "Admin"));
        var second = format.Unprotect("token-a")!;
        ((ClaimsIdentity)second.Principal.Identity!).AddClaim(new Claim(ClaimTypes.Role, "Admin"));

        // Act
        var third = format.Unprotect("token-a")!;

        // Assert
        Assert.False(third.Principal.IsInRole("Admin"));
        Assert.NotSame(second.Principal, third.Principal);
    }

    [Fact]
    public void Unprotect_TwoTokens_EachDecryptedOnceAndKeptApart()
    {
        // Arrange
        var inner = new CountingFormat(Ticket(expires: Now.AddHours(1)), Ticket(expires: Now.AddHours(1), account: "account-2"));
        using var format = new CachedTicketFormat(inner, _clock);

        // Act
        var a = format.Unprotect("token-a");
        var b = format.Unprotect("token-b");
        var aAgain = format.Unprotect("token-a");

        // Assert
        Assert.Equal(2, inner.Unprotected);
        Assert.Equal("account-1", a?.Principal.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.Equal("account-2", b?.Principal.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.Equal("account-1", aAgain?.Principal.FindFirstValue(ClaimTypes.NameIdentifier));
    }

    [Fact]
    public void Unprotect_ExpiredTicket_NotRememberedSoDecryptedEachTime()
    {
        // Arrange
        var inner = new CountingFormat(Ticket(expires: Now.AddSeconds(-1)));
        using var format = new CachedTicketFormat(inner, _clock);

        // Act
        format.Unprotect("token-a");
        format.Unprotect("token-a");

        // Assert
        Assert.Equal(2, inner.Unprotected);
    }

    [Fact]
    public void Unprotect_UnreadableOrEmptyToken_NullAndNotRemembered()
    {
        // Arrange
        var inner = new CountingFormat((AuthenticationTicket?)null);
        using var format = new CachedTicketFormat(inner, _clock);

        // Act
        var unreadable = format.Unprotect("not-a-token");
        var again = format.Unprotect("not-a-token");
        var empty = format.Unprotect("");

        // Assert
        Assert.Null(unreadable);
        Assert.Null(again);
        Assert.Null(empty);
        Assert.Equal(2, inner.Unprotected);
    }

    [Fact]
    public void Unprotect_SameTokenForAnotherPurpose_DecryptedForThatPurpose()
    {
        // Arrange
        var inner = new CountingFormat(Ticket(expires: Now.AddHours(1)));
        using var format = new CachedTicketFormat(inner, _clock);
        format.Unprotect("token-a");

        // Act
        format.Unprotect("token-a", "another-purpose");

        // Assert
        Assert.Equal(2, inner.Unprotected);
    }

    private static AuthenticationTicket? Ticket(DateTimeOffset expires, string account = "account-1") =>
        new(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, account)], "Bearer")),
            new AuthenticationProperties { ExpiresUtc = expires }, "Bearer");

    /// <summary>Answers its tickets in turn (the last one again when they run out) and counts the decryptions.</summary>
    private sealed class CountingFormat(params AuthenticationTicket?[] tickets) : ISecureDataFormat<AuthenticationTicket>
    {
        public int Unprotected { get; private set; }

        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();

        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose) =>
            tickets[Math.Min(Unprotected++, tickets.Length - 1)];
    }
}
