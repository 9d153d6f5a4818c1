using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Validation;
using MedicalPortal.Data.Accounts;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Permissions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Roles;

/// <summary>
/// Roles are Identity roles in the catalog; their matrix rows are <see cref="RolePermission"/> rows keyed by role name.
/// Every change evicts the cached matrix on every node before it commits, and stores nothing stale after, so the next
/// operation of every holder sees it.
/// </summary>
internal sealed class RoleDirectory(
    IDbContextFactory<CatalogDbContext> catalog,
    PermissionStore permissions,
    AccountStatusStore accountStatus) : IRoleDirectory
{
    public async Task<IReadOnlyList<RoleDto>> ListAsync(CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var roles = await context.Roles.AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken);
        var holders = await context.UserRoles.AsNoTracking()
            .GroupBy(ur => ur.RoleId).Select(g => new { RoleId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.RoleId, x => x.Count, cancellationToken);
        var grants = (await context.RolePermissions.AsNoTracking().ToListAsync(cancellationToken))
            .ToLookup(p => p.Role, StringComparer.OrdinalIgnoreCase);

        return roles.Select(r => new RoleDto(
                r.Name!,
                holders.GetValueOrDefault(r.Id),
                grants[r.Name!].ToDictionary(p => p.Resource, p => PermissionMatrix.Sanitize(p.Resource, p.Operations))))
            .ToList();
    }

    public async Task<RoleDto?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));

    public async Task<RoleDto> CreateAsync(string name, CancellationToken cancellationToken)
    {
        await using (var context = await catalog.CreateDbContextAsync(cancellationToken))
        {
            if (await context.Roles.AnyAsync(r => r.NormalizedName == Normalize(name), cancellationToken))
            {
                throw NameTaken();
            }

            context.Roles.Add(new IdentityRole(name) { NormalizedName = Normalize(name) });
            try
            {
                await context.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                throw NameTaken(); // Created by someone else at the same moment (unique normalized name).
            }
        }

        return await FindAsync(name, cancellationToken) ?? throw new RecordNotFoundException(Resource.Role);
    }

    public async Task<RoleDto> RenameAsync(string name, string newName, CancellationToken cancellationToken)
    {
        await using (var context = await catalog.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            var role = await context.Roles.FirstOrDefaultAsync(r => r.NormalizedName == Normalize(name), cancellationToken)
                ?? throw new RecordNotFoundException(Resource.Role);
            if (!string.Equals(Normalize(name), Normalize(newName), StringComparison.Ordinal)
                && await context.Roles.AnyAsync(r => r.NormalizedName == Normalize(newName), cancellationToken))
            {
                throw NameTaken();
            }

            // Matrix rows are keyed by the stored name, whatever case the caller typed. Every change is tracked (not a
            // bulk update) so that each one is in the audit trail.
            var storedName = role.Name;
            role.Name = newName;
            role.NormalizedName = Normalize(newName);
            role.ConcurrencyStamp = Guid.NewGuid().ToString();

            var rows = await context.RolePermissions.Where(p => p.Role == storedName).ToListAsync(cancellationToken);
            context.RolePermissions.RemoveRange(rows);
            context.RolePermissions.AddRange(rows.Select(r => new RolePermission { Role = newName, Resource = r.Resource, Operations = r.Operations }));

            // Holders' sessions carry the old role name as a claim: a new security stamp makes them sign in afresh.
            var holderIds = await context.UserRoles.Where(ur => ur.RoleId == role.Id).Select(ur => ur.UserId).ToListAsync(cancellationToken);
            foreach (var holder in await context.Users.Where(u => holderIds.Contains(u.Id)).ToListAsync(cancellationToken))
            {
                holder.SecurityStamp = Guid.NewGuid().ToString("N");
            }

            await using var matrix = await permissions.BeginChangeAsync(cancellationToken);
            await using var holders = await accountStatus.BeginChangeAsync(holderIds, cancellationToken);
            await context.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await matrix.CompleteAsync();
            await holders.CompleteAsync();
        }

        return await FindAsync(newName, cancellationToken) ?? throw new RecordNotFoundException(Resource.Role);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using (var context = await catalog.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            var role = await context.Roles.FirstOrDefaultAsync(r => r.NormalizedName == Normalize(name), cancellationToken)
                ?? throw new RecordNotFoundException(Resource.Role);
            if (await context.UserRoles.AnyAsync(ur => ur.RoleId == role.Id, cancellationToken))
            {
                throw new ValidationFailedException("name", "Accounts hold this role: give them another role first.");
            }

            context.RolePermissions.RemoveRange(await context.RolePermissions.Where(p => p.Role == role.Name).ToListAsync(cancellationToken));
            context.Roles.Remove(role);
            await using var matrix = await permissions.BeginChangeAsync(cancellationToken);
            await context.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await matrix.CompleteAsync();
        }
    }

    public async Task<RoleDto> GrantAsync(string role, Resource resource, Operations operations, CancellationToken cancellationToken)
    {
        await using (var context = await catalog.CreateDbContextAsync(cancellationToken))
        {
            var stored = await context.Roles.Where(r => r.NormalizedName == Normalize(role)).Select(r => r.Name).FirstOrDefaultAsync(cancellationToken)
                ?? throw new RecordNotFoundException(Resource.Role);
            var row = await context.RolePermissions.FirstOrDefaultAsync(p => p.Role == stored && p.Resource == resource, cancellationToken);
            operations = PermissionMatrix.Sanitize(resource, operations);
            if (row is null && operations != Operations.None)
            {
                context.RolePermissions.Add(new RolePermission { Role = stored, Resource = resource, Operations = operations });
            }
            else if (row is not null && operations == Operations.None)
            {
                context.RolePermissions.Remove(row);
            }
            else if (row is not null)
            {
                row.Operations = operations;
            }

            await using var matrix = await permissions.BeginChangeAsync(cancellationToken);
            await context.SaveChangesAsync(cancellationToken);
            await matrix.CompleteAsync();
        }

        return await FindAsync(role, cancellationToken) ?? throw new RecordNotFoundException(Resource.Role);
    }

    private static string Normalize(string name) => name.ToUpperInvariant();

    private static ValidationFailedException NameTaken() => new("name", "A role with this name already exists.");
}
