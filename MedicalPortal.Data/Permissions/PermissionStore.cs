using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Permissions;

/// <summary>
/// The permission matrix as stored in the catalog, read through the cache: every check reads the cache, and every
/// change made through the portal evicts it on every node before its commit, so it applies to the next operation.
/// </summary>
internal sealed class PermissionStore(IDbContextFactory<CatalogDbContext> catalog, RecordCache cache) : IPermissionStore
{
    public async Task<PermissionMatrix> GetMatrixAsync(CancellationToken cancellationToken) =>
        (await cache.GetOrLoadAsync<PermissionMatrix>(CacheKeys.Matrix, LoadAsync, cancellationToken))!;

    /// <summary>Call before committing a change to the matrix or to role names; complete it after the commit.</summary>
    public Task<CacheWrite> BeginChangeAsync(CancellationToken cancellationToken) =>
        cache.BeginWriteAsync([CacheKeys.Matrix], cancellationToken);

    private async Task<PermissionMatrix?> LoadAsync(CancellationToken cancellationToken)
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

        context.Actor = AuditActor.System;

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
            await using var write = await BeginChangeAsync(cancellationToken);
            await context.SaveChangesAsync(cancellationToken);
            await write.CompleteAsync();
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
