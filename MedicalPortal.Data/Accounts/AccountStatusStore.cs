using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Accounts;

/// <summary>What decides whether an account's sessions and tokens still count.</summary>
public sealed record AccountStatus(string SecurityStamp, bool IsLockedOut);

/// <summary>
/// The security stamp and lock state of accounts, for checking bearer tokens on every API call without a database
/// read each time. Changes made through the portal invalidate the entry at once; anything else (a user changing their
/// own password in Identity's pages) is picked up within a minute.
/// </summary>
public sealed class AccountStatusStore
{
    private readonly IDbContextFactory<CatalogDbContext> _catalog;
    private readonly TimeProvider _clock;
    private readonly GuardedCache<string, AccountStatus?> _cache;

    internal AccountStatusStore(IDbContextFactory<CatalogDbContext> catalog, TimeProvider clock)
    {
        _catalog = catalog;
        _clock = clock;
        _cache = new GuardedCache<string, AccountStatus?>(clock, TimeSpan.FromMinutes(1));
    }

    /// <summary>The account's status, or null when the account no longer exists.</summary>
    public Task<AccountStatus?> GetAsync(string accountId, CancellationToken cancellationToken) =>
        _cache.GetOrLoadAsync(accountId, ct => LoadAsync(accountId, ct), cancellationToken);

    /// <summary>
    /// Whether a session or token issued with <paramref name="securityStamp"/> still counts: the account exists, is not
    /// locked, and has that stamp. A mismatch is checked once more against the database, since the stamp may have
    /// changed through Identity's own pages (enabling two-factor sign-in, say) after it was cached.
    /// </summary>
    public async Task<bool> IsCurrentAsync(string accountId, string? securityStamp, CancellationToken cancellationToken)
    {
        var status = await GetAsync(accountId, cancellationToken);
        if (status is { IsLockedOut: false } && string.Equals(status.SecurityStamp, securityStamp, StringComparison.Ordinal))
        {
            return true;
        }

        Invalidate(accountId);
        status = await GetAsync(accountId, cancellationToken);
        return status is { IsLockedOut: false } && string.Equals(status.SecurityStamp, securityStamp, StringComparison.Ordinal);
    }

    internal void Invalidate(string accountId) => _cache.Invalidate(accountId);

    private async Task<AccountStatus?> LoadAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var context = await _catalog.CreateDbContextAsync(cancellationToken);
        var user = await context.Users.AsNoTracking()
            .Where(u => u.Id == accountId)
            .Select(u => new { u.SecurityStamp, u.LockoutEnd })
            .FirstOrDefaultAsync(cancellationToken);
        return user is null
            ? null
            : new AccountStatus(user.SecurityStamp ?? "", user.LockoutEnd is { } end && end > _clock.GetUtcNow());
    }
}
