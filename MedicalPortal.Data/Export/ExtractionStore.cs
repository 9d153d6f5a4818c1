using System.Text.Json;
using System.Text.Json.Serialization;
using MedicalPortal.Core.Export;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Export;

/// <summary>Extraction runs and leases in the catalog. The lease is a conditional update: one row, one winner.</summary>
internal sealed class ExtractionStore(IDbContextFactory<CatalogDbContext> catalog, TimeProvider clock) : IExtractionStore
{
    public async Task<IReadOnlyList<ExtractionRun>> ListAsync(Guid studyId, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var rows = await context.ExtractionRuns.AsNoTracking().Where(r => r.StudyId == studyId).ToListAsync(cancellationToken);
        return rows.Select(r => r.ToRun()).ToList();
    }

    public async Task<ExtractionRun?> FindAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        return (await context.ExtractionRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken))?.ToRun();
    }

    public async Task<ExtractionRun?> UnfinishedAsync(Guid studyId, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        return (await context.ExtractionRuns.AsNoTracking()
            .FirstOrDefaultAsync(r => r.StudyId == studyId && r.Status != ExtractionStatus.Completed, cancellationToken))?.ToRun();
    }

    public async Task<DateTimeOffset?> WatermarkAsync(Guid studyId, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        // Instants are stored as fixed-width UTC text, so the text order is the time order.
        return await context.ExtractionRuns.AsNoTracking()
            .Where(r => r.StudyId == studyId && r.Status == ExtractionStatus.Completed)
            .OrderByDescending(r => r.WindowUntil)
            .Select(r => (DateTimeOffset?)r.WindowUntil)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<ExtractionRun> StartAsync(
        Guid studyId, DateTimeOffset? after, DateTimeOffset until, string fileName, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var row = new ExtractionRunRow
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            StudyId = studyId,
            Status = ExtractionStatus.Started,
            StartedAt = clock.GetUtcNow(),
            WindowAfter = after,
            WindowUntil = until,
            FileName = fileName,
        };
        context.ExtractionRuns.Add(row);

        // The unique index on unfinished runs refuses a second run of the same study started at the same moment.
        await context.SaveChangesAsync(cancellationToken);
        return row.ToRun();
    }

    public async Task<ExtractionBaseline?> BaselineAsync(Guid studyId, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var last = await context.ExtractionRuns.AsNoTracking()
            .Where(r => r.StudyId == studyId && r.Status == ExtractionStatus.Completed)
            .OrderByDescending(r => r.WindowUntil)
            .Select(r => new { r.PlannedOn, r.Plan })
            .FirstOrDefaultAsync(cancellationToken);
        if (last?.PlannedOn is not { } plannedOn || last.Plan is null)
        {
            return null;
        }

        var published = new Dictionary<QuasiIdentifiers, QuasiIdentifiers?>();
        foreach (var row in JsonSerializer.Deserialize(last.Plan, ExportJson.Default.ListStringArray) ?? [])
        {
            published[new QuasiIdentifiers(row[0]!, row[1]!, row[2]!)] =
                row[3] is null ? null : new QuasiIdentifiers(row[3]!, row[4]!, row[5]!);
        }

        return new ExtractionBaseline(plannedOn, published);
    }

    public async Task MarkWrittenAsync(Guid runId, ExtractionResult result, string sha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var summary = result.Summary;
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var row = await context.ExtractionRuns.SingleAsync(r => r.Id == runId, cancellationToken);
        if (row.Status == ExtractionStatus.Completed)
        {
            throw new InvalidOperationException("The extraction run was completed meanwhile by another node; this one stops.");
        }

        row.Status = ExtractionStatus.Written;
        row.Rows = summary.Rows;
        row.Patients = summary.Patients;
        row.SuppressedPatients = summary.SuppressedPatients;
        row.GeneralizedCodes = summary.GeneralizedCodes;
        row.SuppressedCodes = summary.SuppressedCodes;
        row.Sha256 = sha256;
        row.PlannedOn = result.Baseline.PlannedOn;
        row.Plan = JsonSerializer.Serialize(
            result.Baseline.Published.Select(c => new[]
            {
                c.Key.BirthYear, c.Key.Sex, c.Key.Zip3, c.Value?.BirthYear, c.Value?.Sex, c.Value?.Zip3,
            }).ToList(),
            ExportJson.Default.ListStringArray);
        await context.SaveChangesAsync(cancellationToken);
    }

    public async Task MarkCompletedAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var row = await context.ExtractionRuns.SingleAsync(r => r.Id == runId, cancellationToken);
        if (row.Status != ExtractionStatus.Written)
        {
            throw new InvalidOperationException("The extraction run is not in the written state; another node is working on it.");
        }

        row.Status = ExtractionStatus.Completed;
        row.FinishedAt = clock.GetUtcNow();
        await context.SaveChangesAsync(cancellationToken);
    }

    public Task<bool> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken) =>
        new CatalogLeases(catalog, clock).TryAcquireAsync(name, holder, duration, cancellationToken);

    public Task ReleaseLeaseAsync(string name, string holder, TimeSpan after, CancellationToken cancellationToken) =>
        new CatalogLeases(catalog, clock).ReleaseAsync(name, holder, after, cancellationToken);
}

[JsonSerializable(typeof(List<string?[]>))]
internal sealed partial class ExportJson : JsonSerializerContext;
