using System.Security.Cryptography;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Identity;

/// <summary>Whether an API session still counts, as cached: ended or not, and until when.</summary>
public sealed record ApiSessionState(bool Ended, DateTimeOffset ExpiresAt);

/// <summary>A session started or continued: the refresh token to hand out (shown once, never stored) and the session.</summary>
public sealed record ApiSessionGrant(Guid SessionId, string RefreshToken, DateTimeOffset ExpiresAt);

/// <summary>A session a refresh token belongs to, as the token was spent.</summary>
public sealed record ApiSessionOfToken(Guid SessionId, string AccountId, string SecurityStamp, DateTimeOffset ExpiresAt);

/// <summary>
/// API sessions in the catalog (OAuth 2.0 Security BCP, section 4.14): a sign-in starts one with an absolute end;
/// each refresh token is good for one refresh and is replaced by the next; a refresh token presented a second time
/// means that two parties hold it, so the whole session ends, the legitimate client's tokens with the thief's. Access
/// tokens name their session, and <see cref="IsActiveAsync"/> (cached, evicted on every node when a session ends) is
/// what makes ending a session end them at once. Tokens are random (256 bits) and stored only as their SHA-256.
/// </summary>
public sealed class ApiSessionStore
{
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(1);

    private readonly IDbContextFactory<CatalogDbContext> _catalog;
    private readonly TimeProvider _clock;
    private readonly RecordCache _cache;

    internal ApiSessionStore(IDbContextFactory<CatalogDbContext> catalog, TimeProvider clock, RecordCache cache)
    {
        _catalog = catalog;
        _clock = clock;
        _cache = cache;
    }

    /// <summary>
    /// Starts a session of <paramref name="accountId"/> that ends <paramref name="lifetime"/> from now whatever happens,
    /// and forgets the account's sessions that are over.
    /// </summary>
    public async Task<ApiSessionGrant> StartAsync(string accountId, string securityStamp, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        var now = _clock.GetUtcNow();
        var session = new ApiSessionRow
        {
            Id = Guid.CreateVersion7(now),
            AccountId = accountId,
            SecurityStamp = securityStamp ?? "",
            StartedAt = now,
            ExpiresAt = now + lifetime,
        };
        var (token, row) = NewToken(session.Id, now);

        await using var context = await _catalog.CreateDbContextAsync(cancellationToken);
        await context.ApiSessions.Where(s => s.AccountId == accountId && (s.ExpiresAt <= now || s.EndedAt != null))
            .ExecuteDeleteAsync(cancellationToken);
        context.ApiSessions.Add(session);
        context.ApiRefreshTokens.Add(row);
        await context.SaveChangesAsync(cancellationToken);
        return new ApiSessionGrant(session.Id, token, session.ExpiresAt);
    }

    /// <summary>
    /// Spends <paramref name="refreshToken"/>: its session when the token was good (unused, its session neither ended nor
    /// over); otherwise null. A token that was already spent ends its session, because somebody replayed it.
    /// </summary>
    public async Task<ApiSessionOfToken?> SpendAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        if (HashOf(refreshToken) is not { } hash)
        {
            return null;
        }

        var now = _clock.GetUtcNow();
        await using var context = await _catalog.CreateDbContextAsync(cancellationToken);

        // The session is read before the token is spent: a loser ends the session only after the winner's spend, so
        // the winner has always seen the session as it was before the replay, and exactly one refresh wins.
        var session = await (
            from token in context.ApiRefreshTokens
            join s in context.ApiSessions on token.SessionId equals s.Id
            where token.Hash == hash
            select s).AsNoTracking().FirstOrDefaultAsync(cancellationToken);

        if (session is null)
        {
            return null;
        }

        // One statement decides which of two refreshes with the same token wins: only one can see it unused.
        var spent = await context.ApiRefreshTokens.Where(t => t.Hash == hash && t.UsedAt == null)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.UsedAt, now), cancellationToken);
        if (spent == 0)
        {
            await EndAsync(session.Id, ApiSessionEnd.Reused, cancellationToken);
            return null;
        }

        return session.EndedAt is null && now < session.ExpiresAt
            ? new ApiSessionOfToken(session.Id, session.AccountId, session.SecurityStamp, session.ExpiresAt)
            : null;
    }

    /// <summary>The next refresh token of <paramref name="sessionId"/>, after <see cref="SpendAsync"/> spent the last one.</summary>
    public async Task<ApiSessionGrant> ContinueAsync(ApiSessionOfToken session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var (token, row) = NewToken(session.SessionId, _clock.GetUtcNow());
        await using var context = await _catalog.CreateDbContextAsync(cancellationToken);
        context.ApiRefreshTokens.Add(row);
        await context.SaveChangesAsync(cancellationToken);
        return new ApiSessionGrant(session.SessionId, token, session.ExpiresAt);
    }

    /// <summary>The session <paramref name="refreshToken"/> belongs to, spent or not; null when there is none.</summary>
    public async Task<Guid?> SessionOfAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        if (HashOf(refreshToken) is not { } hash)
        {
            return null;
        }

        await using var context = await _catalog.CreateDbContextAsync(cancellationToken);
        return await context.ApiRefreshTokens.Where(t => t.Hash == hash).Select(t => (Guid?)t.SessionId).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Ends a session: its refresh tokens and the access tokens issued in it stop working on every node.</summary>
    public async Task EndAsync(Guid sessionId, string reason, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        await using var write = await _cache.BeginWriteAsync([CacheKeys.ApiSession(sessionId)], cancellationToken);
        await using (var context = await _catalog.CreateDbContextAsync(cancellationToken))
        {
            await context.ApiSessions.Where(s => s.Id == sessionId && s.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, reason), cancellationToken);
        }

        await write.CompleteAsync();
    }

    /// <summary>Whether the session still counts: not ended and not over. Cached for a minute; ending it evicts it everywhere.</summary>
    public async Task<bool> IsActiveAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var state = await _cache.GetOrLoadAsync(CacheKeys.ApiSession(sessionId), ct => LoadAsync(sessionId, ct), cancellationToken, timeToLive: StateLifetime);
        return state is { Ended: false } && _clock.GetUtcNow() < state.ExpiresAt;
    }

    private async Task<ApiSessionState?> LoadAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var context = await _catalog.CreateDbContextAsync(cancellationToken);
        return await context.ApiSessions.AsNoTracking().Where(s => s.Id == sessionId)
            .Select(s => new ApiSessionState(s.EndedAt != null, s.ExpiresAt))
            .FirstOrDefaultAsync(cancellationToken);
    }

    private static (string Token, ApiRefreshTokenRow Row) NewToken(Guid sessionId, DateTimeOffset now)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (token, new ApiRefreshTokenRow { Hash = HashOf(token)!, SessionId = sessionId, IssuedAt = now });
    }

    /// <summary>The stored form of a token; null for anything that cannot be one (so it never reaches the database).</summary>
    private static string? HashOf(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token)))
            : null;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Why an API session ended early (<see cref="ApiSessionRow.EndReason"/>).</summary>
public static class ApiSessionEnd
{
    public const string SignedOut = "signed-out";

    /// <summary>A refresh token was presented after it had been spent: two parties held it.</summary>
    public const string Reused = "reused";

    /// <summary>The account no longer counts (deleted, closed by an administrator, or its security stamp changed).</summary>
    public const string Revoked = "revoked";
}
