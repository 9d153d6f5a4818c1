using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Validation;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Writing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Roles;

/// <summary>
/// Roles are Identity roles in the catalog; their matrix rows are <see cref="RolePermission"/> rows keyed by role name.
/// Every change evicts the cached matrix on every node before it commits, and stores nothing stale after, so the next
/// operation of every holder sees it.
/// </summary>
internal sealed class RoleDirectory(IDbContextFactory<CatalogDbContext> catalog, WritePath writes) : IRoleDirectory
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

    public async Task<RoleDto> CreateAsync(AuditActor actor, string name, CancellationToken cancellationToken)
    {
        try
        {
            // A new role has no rights yet: the cached matrix does not change.
            await writes.ToCatalogAsync(actor, Resource.Role, atomic: false, async (context, ct) =>
            {
                if (await context.Roles.AnyAsync(r => r.NormalizedName == Normalize(name), ct))
                {
                    throw NameTaken();
                }

                context.Roles.Add(new IdentityRole(name) { NormalizedName = Normalize(name) });
                return Staged.Invalidating(true);
            }, cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw NameTaken(); // Created by someone else at the same moment (unique normalized name).
        }

        return await FindAsync(name, cancellationToken) ?? throw new RecordNotFoundException(Resource.Role);
    }

    public async Task<RoleDto> RenameAsync(AuditActor actor, string name, string newName, CancellationToken cancellationToken)
    {
        await writes.ToCatalogAsync(actor, Resource.Role, atomic: true, async (context, ct) =>
        {
            var role = await context.Roles.FirstOrDefaultAsync(r => r.NormalizedName == Normalize(name), ct)
                ?? throw new RecordNotFoundException(Resource.Role);
            if (!string.Equals(Normalize(name), Normalize(newName), StringComparison.Ordinal)
                && await context.Roles.AnyAsync(r => r.NormalizedName == Normalize(newName), ct))
            {
                throw NameTaken();
            }

            // Matrix rows are keyed by the stored name, whatever case the caller typed. Every change is tracked (not a
            // bulk update) so that each one is in the audit trail.
            var storedName = role.Name;
            role.Name = newName;
            role.NormalizedName = Normalize(newName);
            role.ConcurrencyStamp = Guid.NewGuid().ToString();

            var rows = await context.RolePermissions.Where(p => p.Role == storedName).ToListAsync(ct);
            context.RolePermissions.RemoveRange(rows);
            context.RolePermissions.AddRange(rows.Select(r => new RolePermission { Role = newName, Resource = r.Resource, Operations = r.Operations }));

            // Holders' sessions carry the old role name as a claim: a new security stamp makes them sign in afresh.
            var holderIds = await context.UserRoles.Where(ur => ur.RoleId == role.Id).Select(ur => ur.UserId).ToListAsync(ct);
            foreach (var holder in await context.Users.Where(u => holderIds.Contains(u.Id)).ToListAsync(ct))
            {
                holder.SecurityStamp = Guid.NewGuid().ToString("N");
            }

            return Staged.Invalidating(true, [CacheKeys.Matrix, .. holderIds.Select(CacheKeys.Account)]);
        }, cancellationToken);

        return await FindAsync(newName, cancellationToken) ?? throw new RecordNotFoundException(Resource.Role);
    }

    public Task DeleteAsync(AuditActor actor, string name, CancellationToken cancellationToken) =>
        writes.ToCatalogAsync(actor, Resource.Role, atomic: true, async (context, ct) =>
        {
            var role = await context.Roles.FirstOrDefaultAsync(r => r.NormalizedName == Normalize(name), ct)
                ?? throw new RecordNotFoundException(Resource.Role);
            if (await context.UserRoles.AnyAsync(ur => ur.RoleId == role.Id, ct))
            {
                throw new ValidationFailedException("name", "Accounts hold this role: give them another role first.");
            }

            context.RolePermissions.RemoveRange(await context.RolePermissions.Where(p => p.Role == role.Name).ToListAsync(ct));
            context.Roles.Remove(role);
            return Staged.Invalidating(true, CacheKeys.Matrix);
        }, cancellationToken);

    public async Task<RoleDto> GrantAsync(
        AuditActor actor, string role, Resource resource, Operations operations, CancellationToken cancellationToken)
    {
        await writes.ToCatalogAsync(actor, Resource.Role, atomic: false, async (context, ct) =>
        {
            var stored = await context.Roles.Where(r => r.NormalizedName == Normalize(role)).Select(r => r.Name).FirstOrDefaultAsync(ct)
                ?? throw new RecordNotFoundException(Resource.Role);
            var row = await context.RolePermissions.FirstOrDefaultAsync(p => p.Role == stored && p.Resource == resource, ct);
            var granted = PermissionMatrix.Sanitize(resource, operations);
            if (row is null && granted != Operations.None)
            {
                context.RolePermissions.Add(new RolePermission { Role = stored, Resource = resource, Operations = granted });
            }
            else if (row is not null && granted == Operations.None)
            {
                context.RolePermissions.Remove(row);
            }
            else if (row is not null)
            {
                row.Operations = granted;
            }

            return Staged.Invalidating(true, CacheKeys.Matrix);
        }, cancellationToken);

        return await FindAsync(role, cancellationToken) ?? throw new RecordNotFoundException(Resource.Role);
    }

    private static string Normalize(string name) => name.ToUpperInvariant();

    private static ValidationFailedException NameTaken() => new("name", "A role with this name already exists.");
}
