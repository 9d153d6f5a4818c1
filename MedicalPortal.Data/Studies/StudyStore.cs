using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Studies;

/// <summary>Studies in the catalog.</summary>
internal sealed class StudyStore(IDbContextFactory<CatalogDbContext> catalog) : IStudyStore
{
    public async Task<IReadOnlyList<StudyDto>> ListAsync(CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var studies = await context.Studies.AsNoTracking().ToListAsync(cancellationToken);
        return studies.OrderByDescending(s => s.StartDate).ThenBy(s => s.Title, StringComparer.Ordinal).Select(s => s.ToDto()).ToList();
    }

    public async Task<StudyDto?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        return (await context.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken))?.ToDto();
    }

    public async Task<StudyDto> AddAsync(MedicalStudy study, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(study);
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        context.Studies.Add(study);
        await context.SaveChangesAsync(cancellationToken);
        return study.ToDto();
    }

    public async Task<StudyDto> UpdateAsync(
        Guid id, int expectedVersion, StudyInput input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var study = await FindTrackedAsync(context, id, expectedVersion, cancellationToken);
        study.Update(input, now);
        await SaveAsync(context, cancellationToken);
        return study.ToDto();
    }

    public async Task DeleteAsync(Guid id, int? expectedVersion, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var study = await FindTrackedAsync(context, id, expectedVersion, cancellationToken);
        context.Studies.Remove(study);
        await SaveAsync(context, cancellationToken);
    }

    private static async Task<MedicalStudy> FindTrackedAsync(
        CatalogDbContext context, Guid id, int? expectedVersion, CancellationToken cancellationToken)
    {
        var study = await context.Studies.FirstOrDefaultAsync(s => s.Id == id, cancellationToken)
            ?? throw new RecordNotFoundException(Resource.MedicalStudy);
        return expectedVersion is { } expected && study.Version != expected
            ? throw new ConcurrencyConflictException(Resource.MedicalStudy, study.Version)
            : study;
    }

    private static async Task SaveAsync(CatalogDbContext context, CancellationToken cancellationToken)
    {
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException(Resource.MedicalStudy, currentVersion: null);
        }
    }
}
