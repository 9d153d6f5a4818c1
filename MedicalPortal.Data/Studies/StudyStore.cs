using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Writing;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Studies;

/// <summary>Studies in the catalog, read through the cache: each study, and the list of them.</summary>
internal sealed class StudyStore(IDbContextFactory<CatalogDbContext> catalog, RecordCache cache, WritePath writes) : IStudyStore
{
    public async Task<IReadOnlyList<StudyDto>> ListAsync(CancellationToken cancellationToken) =>
        await cache.GetOrLoadAsync<IReadOnlyList<StudyDto>>(CacheKeys.Studies, LoadListAsync, cancellationToken) ?? [];

    public Task<StudyDto?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(CacheKeys.Study(id), ct => LoadAsync(id, ct), cancellationToken, s => s.Version);

    public Task<StudyDto> AddAsync(AuditActor actor, MedicalStudy study, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(study);
        return writes.ToCatalogAsync(actor, Resource.MedicalStudy, atomic: false, (context, _) =>
        {
            context.Studies.Add(study);
            return Task.FromResult(Changed(study));
        }, cancellationToken);
    }

    public Task<StudyDto> UpdateAsync(
        AuditActor actor, Guid id, int expectedVersion, StudyInput input, DateTimeOffset now, CancellationToken cancellationToken) =>
        writes.ToCatalogAsync(actor, Resource.MedicalStudy, atomic: false, async (context, ct) =>
        {
            var study = await WritePath.LoadAsync<MedicalStudy>(context, id, expectedVersion, Resource.MedicalStudy, ct);
            study.Update(input, now);
            return Changed(study);
        }, cancellationToken);

    public Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken) =>
        writes.ToCatalogAsync(actor, Resource.MedicalStudy, atomic: false, async (context, ct) =>
        {
            context.Studies.Remove(await WritePath.LoadAsync<MedicalStudy>(context, id, expectedVersion, Resource.MedicalStudy, ct));
            return Staged.Deleted(CacheKeys.Study(id), CacheKeys.Studies);
        }, cancellationToken);

    /// <summary>A change to one study changes the list too.</summary>
    private static Staged<StudyDto> Changed(MedicalStudy study)
    {
        var dto = study.ToDto();
        var key = CacheKeys.Study(dto.Id);
        return new Staged<StudyDto>(dto, [key, CacheKeys.Studies], [CacheUpdate.Put(key, dto, dto.Version)]);
    }

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
}
