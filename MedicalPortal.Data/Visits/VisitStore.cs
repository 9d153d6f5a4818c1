using System.Globalization;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Sharding;
using MedicalPortal.Data.Writing;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Visits;

/// <summary>
/// A patient's visits as cached: the newest <see cref="VisitStore.CachedVisitCount"/> of them, newest first, and whether
/// that is all of them.
/// </summary>
internal sealed record CachedVisits(IReadOnlyList<VisitDto> Visits, bool Complete);

/// <summary>
/// Visits on their patient's shard, found by the bucket their id carries. A patient's visit list is read through the
/// cache (the pages a clinician turns are cut from it); every change to a visit invalidates its patient's list.
/// </summary>
internal sealed class VisitStore(IShardMap map, ShardContextFactory shards, ShardRouting routing, RecordCache cache, WritePath writes)
    : IVisitStore
{
    /// <summary>Visits kept per patient in the cache; pages beyond them come from the shard.</summary>
    internal const int CachedVisitCount = 200;

    public Task<VisitDto?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        routing.ReadAsync(
            Buckets.OfRecordId(id),
            async (context, ct) => (await context.Visits.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct))?.ToDto(),
            found: visit => visit is not null,
            cancellationToken);

    public async Task<Page<VisitDto>?> ListForPatientAsync(
        Guid patientId, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(cursor, 2) is { } parts ? ParseCursor(parts) : default((DateTimeOffset, Guid)?);
        var cached = await cache.GetOrLoadAsync(
            CacheKeys.Visits(patientId), ct => LoadNewestAsync(patientId, ct), cancellationToken);
        if (cached is null)
        {
            return null;
        }

        var start = after is var (startedAt, id)
            ? CountWhile(cached.Visits, v => v.StartedAt > startedAt || (v.StartedAt == startedAt && v.Id.CompareTo(id) >= 0))
            : 0;
        if (cached.Complete || start + limit < cached.Visits.Count)
        {
            var page = cached.Visits.Skip(start).Take(limit).ToList();
            return PageOf(page, hasMore: start + limit < cached.Visits.Count);
        }

        return await ListFromShardAsync(patientId, after, limit, cancellationToken);
    }

    private Task<CachedVisits?> LoadNewestAsync(Guid patientId, CancellationToken cancellationToken) =>
        routing.ReadAsync(Buckets.ForPatient(patientId), (context, ct) => LoadNewestAsync(context, patientId, ct), found: v => v is not null, cancellationToken);

    private static async Task<CachedVisits?> LoadNewestAsync(ShardDbContext context, Guid patientId, CancellationToken cancellationToken)
    {
        if (!await context.Patients.AnyAsync(p => p.Id == patientId, cancellationToken))
        {
            return null;
        }

        var visits = await context.Visits.AsNoTracking().Where(v => v.PatientId == patientId)
            .OrderByDescending(v => v.StartedAt).ThenByDescending(v => v.Id)
            .Take(CachedVisitCount + 1)
            .ToListAsync(cancellationToken);
        return new CachedVisits([.. visits.Take(CachedVisitCount).Select(v => v.ToDto())], visits.Count <= CachedVisitCount);
    }

    private Task<Page<VisitDto>?> ListFromShardAsync(
        Guid patientId, (DateTimeOffset StartedAt, Guid Id)? after, int limit, CancellationToken cancellationToken) =>
        routing.ReadAsync(
            Buckets.ForPatient(patientId), (context, ct) => ListFromShardAsync(context, patientId, after, limit, ct), found: p => p is not null, cancellationToken);

    private static async Task<Page<VisitDto>?> ListFromShardAsync(
        ShardDbContext context, Guid patientId, (DateTimeOffset StartedAt, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        if (!await context.Patients.AnyAsync(p => p.Id == patientId, cancellationToken))
        {
            return null;
        }

        var query = context.Visits.AsNoTracking().Where(v => v.PatientId == patientId);
        if (after is var (startedAt, id))
        {
            query = query.Where(v => v.StartedAt < startedAt || (v.StartedAt == startedAt && v.Id.CompareTo(id) < 0));
        }

        var visits = await query
            .OrderByDescending(v => v.StartedAt).ThenByDescending(v => v.Id)
            .Take(limit + 1)
            .ToListAsync(cancellationToken);
        return PageOf(visits.Take(limit).Select(v => v.ToDto()).ToList(), hasMore: visits.Count > limit);
    }

    private static Page<VisitDto> PageOf(List<VisitDto> page, bool hasMore) =>
        new(page, hasMore && page.Count > 0
            ? Cursor.Encode([page[^1].StartedAt.ToString("O", CultureInfo.InvariantCulture), page[^1].Id.ToString()])
            : null);

    private static int CountWhile(IReadOnlyList<VisitDto> visits, Func<VisitDto, bool> before)
    {
        var count = 0;
        while (count < visits.Count && before(visits[count]))
        {
            count++;
        }

        return count;
    }

    public async Task<VisitDto> AddAsync(AuditActor actor, Visit visit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visit);
        try
        {
            // No existence check first: the foreign key refuses a visit whose patient is gone, and only then do we look
            // (one statement less on every visit recorded; the benchmarks showed the write path paying for it).
            return await writes.ToShardAsync(actor, Buckets.OfRecordId(visit.Id), Resource.Visit, (context, _) =>
            {
                context.Visits.Add(visit);
                return Task.FromResult(Staged.Invalidating(visit.ToDto(), CacheKeys.Visits(visit.PatientId)));
            }, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The foreign key refused the visit if the patient does not exist (or was deleted meanwhile).
            await using var check = shards.Create(map.ShardForRecord(visit.Id));
            if (!await check.Patients.AnyAsync(p => p.Id == visit.PatientId, CancellationToken.None))
            {
                throw new RecordNotFoundException(Resource.Patient);
            }

            throw;
        }
    }

    public Task<VisitDto> UpdateAsync(
        AuditActor actor, Guid id, int expectedVersion, DateOnly patientBirthDate, VisitInput input, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        writes.ToShardAsync(actor, Buckets.OfRecordId(id), Resource.Visit, async (context, ct) =>
        {
            var visit = await WritePath.LoadAsync<Visit>(context, id, expectedVersion, Resource.Visit, ct);
            visit.Update(patientBirthDate, input, now);
            return Staged.Invalidating(visit.ToDto(), CacheKeys.Visits(visit.PatientId));
        }, cancellationToken);

    public Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken) =>
        writes.ToShardAsync(actor, Buckets.OfRecordId(id), Resource.Visit, async (context, ct) =>
        {
            var visit = await WritePath.LoadAsync<Visit>(context, id, expectedVersion, Resource.Visit, ct);
            context.Visits.Remove(visit);
            return Staged.Invalidating(true, CacheKeys.Visits(visit.PatientId));
        }, cancellationToken);

    public async Task<RecordedVisits> RecordedBetweenAsync(
        DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        var perShard = await Task.WhenAll(map.Shards.Select(async shard =>
        {
            try
            {
                return (Shard: shard, Found: ((int, List<RecordedVisit>)?)await RecordedOnShardAsync(shard, from, to, limit, cancellationToken));
            }
            catch (ShardUnavailableException)
            {
                return (Shard: shard, Found: default((int, List<RecordedVisit>)?));
            }
        }));
        return new RecordedVisits(
            perShard.Sum(result => result.Found?.Item1 ?? 0),
            [.. perShard.SelectMany(result => result.Found?.Item2 ?? []).OrderByDescending(v => v.RecordedAt).Take(limit)],
            [.. perShard.Where(result => result.Found is null).Select(result => result.Shard)]);
    }

    // A visit's UpdatedAt is never before its CreatedAt: the UpdatedAt index finds the period's visits, and the test on
    // CreatedAt keeps those first stored in it. A visit and its patient share the shard, so the name comes in the same query.
    private async Task<(int, List<RecordedVisit>)> RecordedOnShardAsync(
        string shard, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(shard);
        var recorded = context.Visits.AsNoTracking().OwnedBy(map, shard)
            .Where(v => v.UpdatedAt >= from && v.CreatedAt >= from && v.CreatedAt < to);
        var count = await recorded.CountAsync(cancellationToken);
        if (count == 0 || limit == 0)
        {
            return (count, []);
        }

        var newest = await recorded
            .OrderByDescending(v => v.CreatedAt)
            .Take(limit)
            .Join(context.Patients, v => v.PatientId, p => p.Id, (v, p) => new { Visit = v, p.GivenName, p.FamilyName, p.Mrn })
            .ToListAsync(cancellationToken);
        return (count, [.. newest.Select(row => new RecordedVisit(row.Visit.ToDto(), $"{row.GivenName} {row.FamilyName}", row.Mrn, row.Visit.CreatedAt))]);
    }

    private static (DateTimeOffset StartedAt, Guid Id) ParseCursor(IReadOnlyList<string> parts) =>
        DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.None, out var startedAt)
        && Guid.TryParse(parts[1], out var id)
            ? (startedAt, id)
            : throw new Core.Validation.ValidationFailedException("cursor", "The page cursor is not valid. Start again from the first page.");
}
