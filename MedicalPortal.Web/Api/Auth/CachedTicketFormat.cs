using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;

namespace MedicalPortal.Web.Api.Auth;

/// <summary>
/// The bearer handler's token format with what it decrypted remembered: a client sends the same access token with every
/// request, and decrypting it (Data Protection: key derivation, AES, HMAC) cost about a tenth of a cached read
/// (docs/PERFORMANCE.md). The first request with a token decrypts it; later ones get a copy of the ticket it gave, for
/// at most <see cref="Remembered"/> and never past the token's own expiry.
/// </summary>
/// <remarks>
/// Only the decryption is remembered, not whether the token still counts: every request still goes through
/// <see cref="Authentication.AccountStatusClaimsTransformation"/> (account locked or changed, API session ended) and the
/// handler's own expiry check, so a revocation applies to the next request as before. What a remembered ticket outlives
/// is only the revocation of the Data Protection key that encrypted it, and only for <see cref="Remembered"/>.
/// Each answer is a copy, so nothing a request does to its principal reaches another request.
/// </remarks>
internal sealed class CachedTicketFormat(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider clock) : ISecureDataFormat<AuthenticationTicket>, IDisposable
{
    /// <summary>How long a decrypted ticket is kept at most.</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromMinutes(5);

    /// <summary>How many tickets are kept at most (each about a kilobyte); beyond it the cache compacts.</summary>
    public const int Capacity = 20_000;

    private readonly MemoryCache _tickets = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, purpose: null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (string.IsNullOrEmpty(protectedText))
        {
            return null;
        }

        // The purpose is part of what was decrypted: a token is remembered only with the purpose it was read for.
        var key = purpose is null ? protectedText : string.Concat(purpose, "\n", protectedText);
        if (_tickets.TryGetValue(key, out AuthenticationTicket? remembered) && remembered is not null)
        {
            return remembered.Clone();
        }

        var ticket = inner.Unprotect(protectedText, purpose);
        var now = clock.GetUtcNow();
        if (ticket?.Properties.ExpiresUtc is { } expires && expires > now)
        {
            var until = expires < now + Remembered ? expires : now + Remembered;
            _tickets.Set(key, ticket.Clone(), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = until - now });
        }

        return ticket;
    }

    public void Dispose() => _tickets.Dispose();
}
