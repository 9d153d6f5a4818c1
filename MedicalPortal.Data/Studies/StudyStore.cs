using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Studies;

/// <summary>Studies in the catalog, read through the cache: each study, and the list of them.</summary>
internal sealed class StudyStore(IDbContextFactory<CatalogDbContext> catalog, RecordCache cache) : IStudyStore
{
    public async Task<IReadOnlyList<StudyDto>> ListAsync(CancellationToken cancellationToken) =>
        await cache.GetOrLoadAsync<IReadOnlyList<StudyDto>>(CacheKeys.Studies, LoadListAsync, cancellationToken) ?? [];

    public Task<StudyDto?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(CacheKeys.Study(id), ct => LoadAsync(id, ct), cancellationToken, s => s.Version);

    public async Task<StudyDto> AddAsync(MedicalStudy study, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(study);
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        context.Studies.Add(study);
        await using var write = await BeginWriteAsync(study.Id, cancellationToken);
        await context.SaveChangesAsync(cancellationToken);
        var dto = study.ToDto();
        await write.CompleteAsync(CacheUpdate.Put(CacheKeys.Study(dto.Id), dto, dto.Version));
        return dto;
    }

    public async Task<StudyDto> UpdateAsync(
        Guid id, int expectedVersion, StudyInput input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var study = await FindTrackedAsync(context, id, expectedVersion, cancellationToken);
        study.Update(input, now);
        await using var write = await BeginWriteAsync(id, cancellationToken);
        await SaveAsync(context, cancellationToken);
        var dto = study.ToDto();
        await write.CompleteAsync(CacheUpdate.Put(CacheKeys.Study(id), dto, dto.Version));
        return dto;
    }

    public async Task DeleteAsync(Guid id, int? expectedVersion, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var study = await FindTrackedAsync(context, id, expectedVersion, cancellationToken);
        context.Studies.Remove(study);
        await using var write = await BeginWriteAsync(id, cancellationToken);
        await SaveAsync(context, cancellationToken);
        await write.CompleteAsync(CacheUpdate.Deleted(CacheKeys.Study(id)));
    }

    /// <summary>A change to one study changes the list too.</summary>
    private Task<CacheWrite> BeginWriteAsync(Guid id, CancellationToken cancellationToken) =>
        cache.BeginWriteAsync([CacheKeys.Study(id), CacheKeys.Studies], cancellationToken);

    private async Task<IReadOnlyList<StudyDto>?> LoadListAsync(CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var studies = await context.Studies.AsNoTracking().ToListAsync(cancellationToken);
        return studies.OrderByDescending(s => s.StartDate).ThenBy(s => s.Title, StringComparer.Ordinal).Select(s => s.ToDto()).ToList();
    }

    private async Task<StudyDto?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        return (await context.Studies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken))?.ToDto();
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
