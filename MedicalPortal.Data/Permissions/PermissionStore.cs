using MedicalPortal.Core.Permissions;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Permissions;

/// <summary>The permission matrix as stored in the catalog. Read on every operation so a change applies at once.</summary>
internal sealed class PermissionStore(IDbContextFactory<CatalogDbContext> catalog) : IPermissionStore
{
    public async Task<PermissionMatrix> GetMatrixAsync(CancellationToken cancellationToken)
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
