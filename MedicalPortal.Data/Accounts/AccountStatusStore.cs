using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Accounts;

/// <summary>
/// What decides whether an account's sessions and tokens still count: its security stamp, and whether an administrator
/// closed it (<see cref="AccountLock"/>; the lockout after failed sign-ins does not end sessions).
/// </summary>
public sealed record AccountStatus(string SecurityStamp, bool IsClosed);

/// <summary>
/// The security stamp and lock state of accounts, for checking sessions and bearer tokens on every call without a
/// database read each time, read through the cache. Changes made through the portal evict the entry on every node;
/// anything else (a user changing their own password in Identity's pages) is caught by the recheck in
/// <see cref="IsCurrentAsync"/>, and the short lifetime bounds the rest.
/// </summary>
public sealed class AccountStatusStore
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly IDbContextFactory<CatalogDbContext> _catalog;
    private readonly RecordCache _cache;

    internal AccountStatusStore(IDbContextFactory<CatalogDbContext> catalog, RecordCache cache)
    {
        _catalog = catalog;
        _cache = cache;
    }

    /// <summary>The account's status, or null when the account no longer exists.</summary>
    public Task<AccountStatus?> GetAsync(string accountId, CancellationToken cancellationToken) =>
        _cache.GetOrLoadAsync(CacheKeys.Account(accountId), ct => LoadAsync(accountId, ct), cancellationToken, timeToLive: Lifetime);

    /// <summary>
    /// Whether a session or token issued with <paramref name="securityStamp"/> still counts: the account exists, is not
    /// locked by an administrator, and has that stamp. A mismatch is checked once more against the database, since the stamp may have
    /// changed through Identity's own pages (enabling two-factor sign-in, say) after it was cached; only if the
    /// database disagrees with the cache is the entry evicted, so that a revoked token cannot make every call a write.
    /// </summary>
    public async Task<bool> IsCurrentAsync(string accountId, string? securityStamp, CancellationToken cancellationToken)
    {
        var cached = await GetAsync(accountId, cancellationToken);
        if (Accepts(cached, securityStamp))
        {
            return true;
        }

        var stored = await LoadAsync(accountId, cancellationToken);
        if (stored != cached)
        {
            await _cache.InvalidateAsync([CacheKeys.Account(accountId)], cancellationToken);
        }

        return Accepts(stored, securityStamp);
    }

    /// <summary>Call before committing a change to the accounts; complete it after the commit.</summary>
    internal Task<CacheWrite> BeginChangeAsync(IEnumerable<string> accountIds, CancellationToken cancellationToken) =>
        _cache.BeginWriteAsync([.. accountIds.Select(CacheKeys.Account)], cancellationToken);

    private static bool Accepts(AccountStatus? status, string? securityStamp) =>
        status is { IsClosed: false } && string.Equals(status.SecurityStamp, securityStamp, StringComparison.Ordinal);

    private async Task<AccountStatus?> LoadAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var context = await _catalog.CreateDbContextAsync(cancellationToken);
        var user = await context.Users.AsNoTracking()
            .Where(u => u.Id == accountId)
            .Select(u => new { u.SecurityStamp, u.LockoutEnd })
            .FirstOrDefaultAsync(cancellationToken);
        return user is null
            ? null
            : new AccountStatus(user.SecurityStamp ?? "", AccountLock.IsClosedByAdministrator(user.LockoutEnd));
    }
}
