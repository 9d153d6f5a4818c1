using System.Globalization;
using System.Text;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>
/// Everything a service operation could change, as one string: every record's id and version on every shard, and in
/// the catalog the studies, accounts (with security stamp and lockout), role memberships, roles and the matrix. Two
/// equal fingerprints mean that nothing was created, changed or deleted in between.
/// </summary>
internal static class DatabaseFingerprint
{
    public static async Task<string> TakeAsync(ShardedDatabase db)
    {
        var text = new StringBuilder();
        foreach (var shard in db.Get<IShardMap>().Shards)
        {
            await using var context = db.OpenShard(shard);
            Append(text, $"{shard} patients", await context.Patients.Select(p => p.Id + ":" + p.Version).ToListAsync());
            Append(text, $"{shard} visits", await context.Visits.Select(v => v.Id + ":" + v.Version).ToListAsync());
            Append(text, $"{shard} enrollments", (await context.Enrollments.ToListAsync())
                .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Id}:{e.Version}:{e.ConsentedAt:O}:{e.WithdrawnAt:O}")));
        }

        await using var catalog = await db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        Append(text, "studies", await catalog.Studies.Select(s => s.Id + ":" + s.Version).ToListAsync());
        Append(text, "accounts", (await catalog.Users.ToListAsync())
            .Select(u => string.Create(CultureInfo.InvariantCulture, $"{u.Id}:{u.SecurityStamp}:{u.LockoutEnd:O}:{u.PasswordHash}")));
        Append(text, "memberships", await catalog.UserRoles.Select(ur => ur.UserId + ":" + ur.RoleId).ToListAsync());
        Append(text, "roles", await catalog.Roles.Select(r => r.Id + ":" + r.Name).ToListAsync());
        Append(text, "matrix", (await catalog.RolePermissions.ToListAsync()).Select(p => $"{p.Role}:{p.Resource}:{p.Operations}"));
        return text.ToString();
    }

    private static void Append(StringBuilder text, string table, IEnumerable<string> rows) =>
        text.Append(table).Append(": ").AppendJoin(", ", rows.Order(StringComparer.Ordinal)).AppendLine();
}
