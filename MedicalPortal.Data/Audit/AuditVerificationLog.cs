using MedicalPortal.Core.Audit;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// Each chain's last full check, one row per database in the catalog. It is a convenience for the home page, not
/// evidence: the chains and their checkpoints are the record, and anyone can check them again at any time.
/// </summary>
internal sealed class AuditVerificationLog(IDbContextFactory<CatalogDbContext> catalog) : IAuditVerificationLog
{
    public async Task RecordAsync(
        IReadOnlyList<ChainVerification> results, string checkedBy, DateTimeOffset checkedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var names = results.Select(r => r.Database).ToList();
        var rows = await context.AuditVerifications.Where(r => names.Contains(r.Database)).ToDictionaryAsync(r => r.Database, cancellationToken);
        foreach (var result in results)
        {
            if (!rows.TryGetValue(result.Database, out var row))
            {
                row = new AuditVerificationRow { Database = result.Database };
                context.AuditVerifications.Add(row);
            }

            row.Entries = result.Entries;
            row.Problem = result.Problem?.Kind.ToString();
            row.ProblemSequence = result.Problem?.Sequence;
            row.CheckedAt = checkedAt;
            row.CheckedBy = checkedBy.Length > AuditModel.ActorNameMaxLength ? checkedBy[..AuditModel.ActorNameMaxLength] : checkedBy;
        }

        await context.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<LastVerification>> LastAsync(CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var rows = await context.AuditVerifications.AsNoTracking().ToListAsync(cancellationToken);
        return rows
            .OrderBy(r => r.Database == AuditStore.CatalogName ? 0 : 1).ThenBy(r => r.Database, StringComparer.Ordinal)
            .Select(r => new LastVerification(
                r.Database,
                r.Entries,
                r.Problem is null ? null : Enum.Parse<ChainProblemKind>(r.Problem),
                r.ProblemSequence,
                r.CheckedAt,
                r.CheckedBy))
            .ToList();
    }
}
