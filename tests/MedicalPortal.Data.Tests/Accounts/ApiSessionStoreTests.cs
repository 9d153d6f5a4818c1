using System.Security.Cryptography;
using System.Text;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Accounts;

/// <summary>API sessions in the real catalog: one-time refresh tokens, a replay ending the session, the absolute end.</summary>
public abstract class ApiSessionStoreTests(TestProvider provider) : IAsyncLifetime
{
    private const string Account = "account-under-test";
    private const string Stamp = "stamp-1";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private ShardedDatabase _db = default!;

    private ApiSessionStore Sessions => _db.Get<ApiSessionStore>();

    private static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 1, clock: _clock);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task StartAsync_StoresOnlyTheTokensHash()
    {
        // Act
        var grant = await Sessions.StartAsync(Account, Stamp, Lifetime, None);

        // Assert
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        var stored = await catalog.ApiRefreshTokens.SingleAsync(t => t.SessionId == grant.SessionId);
        Assert.Equal(43, grant.RefreshToken.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(grant.RefreshToken))), stored.Hash);
        Assert.DoesNotContain(grant.RefreshToken, stored.Hash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpendAsync_FreshToken_ReturnsItsSession()
    {
        // Arrange
        var grant = await Sessions.StartAsync(Account, Stamp, Lifetime, None);

        // Act
        var session = await Sessions.SpendAsync(grant.RefreshToken, None);

        // Assert
        Assert.Equal((grant.SessionId, Account, Stamp, grant.ExpiresAt), (session!.SessionId, session.AccountId, session.SecurityStamp, session.ExpiresAt));
        Assert.True(await Sessions.IsActiveAsync(grant.SessionId, None));
    }

    [Fact]
    public async Task SpendAsync_TokenSpentBefore_RefusesAndEndsTheSessionWithItsNewerTokens()
    {
        // Arrange: the client refreshed once; somebody replays the first token.
        var grant = await Sessions.StartAsync(Account, Stamp, Lifetime, None);
        var next = await Sessions.ContinueAsync((await Sessions.SpendAsync(grant.RefreshToken, None))!, None);

        // Act
        var replayed = await Sessions.SpendAsync(grant.RefreshToken, None);
        var newer = await Sessions.SpendAsync(next.RefreshToken, None);

        // Assert
        Assert.Null(replayed);
        Assert.Null(newer);
        Assert.False(await Sessions.IsActiveAsync(grant.SessionId, None));
        Assert.Equal(ApiSessionEnd.Reused, await EndReasonAsync(grant.SessionId));
    }

    [Fact]
    public async Task SpendAsync_SameTokenTwiceAtOnce_ExactlyOneWins()
    {
        // Arrange: several sessions, so that the race between a winner's spend and a loser's ending is run often.
        var grants = new List<ApiSessionGrant>();
        for (var i = 0; i < 10; i++)
        {
            grants.Add(await Sessions.StartAsync($"{Account}-{i}", Stamp, Lifetime, None));
        }

        foreach (var grant in grants)
        {
            // Act
            var spends = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Sessions.SpendAsync(grant.RefreshToken, None))));

            // Assert: one refresh got the session; the others saw a replay, which ended it.
            Assert.Single(spends, s => s is not null);
            Assert.Equal(ApiSessionEnd.Reused, await EndReasonAsync(grant.SessionId));
        }
    }

    [Fact]
    public async Task SpendAsync_AfterTheAbsoluteEnd_Refuses()
    {
        // Arrange: refreshed every 50 minutes, right up to the end.
        var grant = await Sessions.StartAsync(Account, Stamp, Lifetime, None);
        var token = grant.RefreshToken;
        while (_clock.GetUtcNow() + TimeSpan.FromMinutes(50) < grant.ExpiresAt)
        {
            _clock.Advance(TimeSpan.FromMinutes(50));
            token = (await Sessions.ContinueAsync((await Sessions.SpendAsync(token, None))!, None)).RefreshToken;
        }

        // Act
        _clock.Advance(TimeSpan.FromMinutes(50));
        var late = await Sessions.SpendAsync(token, None);

        // Assert
        Assert.Null(late);
        Assert.False(await Sessions.IsActiveAsync(grant.SessionId, None));
    }

    [Fact]
    public async Task EndAsync_EndsOnlyThatSession()
    {
        // Arrange: the same account signed in twice (two devices).
        var phone = await Sessions.StartAsync(Account, Stamp, Lifetime, None);
        var desk = await Sessions.StartAsync(Account, Stamp, Lifetime, None);
        Assert.True(await Sessions.IsActiveAsync(phone.SessionId, None));

        // Act
        await Sessions.EndAsync(phone.SessionId, ApiSessionEnd.SignedOut, None);

        // Assert: the cached "active" was evicted at once.
        Assert.False(await Sessions.IsActiveAsync(phone.SessionId, None));
        Assert.Null(await Sessions.SpendAsync(phone.RefreshToken, None));
        Assert.True(await Sessions.IsActiveAsync(desk.SessionId, None));
        Assert.NotNull(await Sessions.SpendAsync(desk.RefreshToken, None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task SpendAsync_NoSuchToken_ReturnsNull(string? token) =>
        Assert.Null(await Sessions.SpendAsync(token, None));

    [Fact]
    public async Task StartAsync_ForgetsTheAccountsSessionsThatAreOver()
    {
        // Arrange
        var old = await Sessions.StartAsync(Account, Stamp, TimeSpan.FromHours(1), None);
        _clock.Advance(TimeSpan.FromHours(2));

        // Act
        await Sessions.StartAsync(Account, Stamp, Lifetime, None);

        // Assert
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        Assert.False(await catalog.ApiSessions.AnyAsync(s => s.Id == old.SessionId));
        Assert.False(await catalog.ApiRefreshTokens.AnyAsync(t => t.SessionId == old.SessionId));
    }

    private async Task<string?> EndReasonAsync(Guid sessionId)
    {
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        return await catalog.ApiSessions.Where(s => s.Id == sessionId).Select(s => s.EndReason).SingleAsync();
    }

    public sealed class OnSqlite() : ApiSessionStoreTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : ApiSessionStoreTests(TestProvider.Postgres);
}
