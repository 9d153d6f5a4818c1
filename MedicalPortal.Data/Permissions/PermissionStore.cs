using MedicalPortal.Core.Permissions;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Permissions;

/// <summary>
/// The permission matrix as stored in the catalog, cached in memory: every check reads the cache, and every change
/// made through the portal invalidates it after its commit, so it applies to the next operation.
/// </summary>
internal sealed class PermissionStore(IDbContextFactory<CatalogDbContext> catalog, TimeProvider clock) : IPermissionStore
{
    private const string Key = "matrix";

    // Invalidated on this node by every change; the minute bounds how long another node (without the Redis
    // backplane of Cache:Redis) can lag behind.
    private readonly GuardedCache<string, PermissionMatrix> _cache = new(clock, TimeSpan.FromMinutes(1));

    public Task<PermissionMatrix> GetMatrixAsync(CancellationToken cancellationToken) =>
        _cache.GetOrLoadAsync(Key, LoadAsync, cancellationToken);

    /// <summary>Called after a change to the matrix or to role names has committed.</summary>
    public void Invalidate() => _cache.Invalidate(Key);

    private async Task<PermissionMatrix> LoadAsync(CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var rows = await context.RolePermissions.AsNoTracking().ToListAsync(cancellationToken);
        return new PermissionMatrix(rows
            .GroupBy(r => r.Role, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyDictionary<Resource, Operations>)g.ToDictionary(r => r.Resource, r => r.Operations),
                StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Seeds the default matrix into an empty catalog. Racing nodes: the first wins, the others find rows.</summary>
    public async Task SeedDefaultsAsync(CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        if (await context.RolePermissions.AnyAsync(cancellationToken))
        {
            return;
        }

        var defaults = DefaultPermissions.Matrix;
        foreach (var role in defaults.Roles)
        {
            foreach (var resource in Enum.GetValues<Resource>())
            {
                var operations = defaults.Granted(role, resource);
                if (operations != Operations.None)
                {
                    context.RolePermissions.Add(new RolePermission { Role = role, Resource = resource, Operations = operations });
                }
            }
        }

        try
        {
            await context.SaveChangesAsync(cancellationToken);
            Invalidate();
        }
        catch (DbUpdateException)
        {
            // Another node seeded the same defaults first; anything else is a real failure.
            await using var check = await catalog.CreateDbContextAsync(cancellationToken);
            if (!await check.RolePermissions.AnyAsync(cancellationToken))
            {
                throw;
            }
        }
    }
}
