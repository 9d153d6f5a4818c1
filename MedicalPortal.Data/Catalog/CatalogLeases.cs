using MedicalPortal.Data.Export;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Catalog;

/// <summary>
/// Named leases in the catalog: whoever holds one (until it expires or is released) is the only process doing that
/// work in the installation: the scheduled extraction, a bucket move.
/// </summary>
internal sealed class CatalogLeases(IDbContextFactory<CatalogDbContext> catalog, TimeProvider clock)
{
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        if (!await context.Leases.AnyAsync(l => l.Name == name, cancellationToken))
        {
            context.Leases.Add(new LeaseRow { Name = name, Holder = "", ExpiresAt = DateTimeOffset.MinValue });
            try
            {
                await context.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Created by another node at the same moment: fine, the update below decides.
            }
        }

        var expires = now + duration;
        var taken = await context.Leases
            .Where(l => l.Name == name && (l.ExpiresAt <= now || l.Holder == holder))
            .ExecuteUpdateAsync(l => l.SetProperty(x => x.Holder, holder).SetProperty(x => x.ExpiresAt, expires), cancellationToken);
        return taken == 1;
    }

    public async Task ReleaseAsync(string name, string holder, TimeSpan after, CancellationToken cancellationToken)
    {
        var expires = clock.GetUtcNow() + after;
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        await context.Leases.Where(l => l.Name == name && l.Holder == holder)
            .ExecuteUpdateAsync(l => l.SetProperty(x => x.ExpiresAt, expires), cancellationToken);
    }
}
