using System.Globalization;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Shards;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Visits;

/// <summary>Visits on their patient's shard, found by the bucket their id carries.</summary>
internal sealed class VisitStore(IShardMap map, ShardContextFactory shards) : IVisitStore
{
    public async Task<VisitDto?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(map.ShardForRecord(id));
        var visit = await context.Visits.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, cancellationToken);
        return visit?.ToDto();
    }

    public async Task<Page<VisitDto>?> ListForPatientAsync(
        Guid patientId, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(cursor, 2) is { } parts ? ParseCursor(parts) : default((DateTimeOffset, Guid)?);

        await using var context = shards.Create(map.ShardForPatient(patientId));
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

        var page = visits.Take(limit).Select(v => v.ToDto()).ToList();
        var next = visits.Count > limit
            ? Cursor.Encode([page[^1].StartedAt.ToString("O", CultureInfo.InvariantCulture), page[^1].Id.ToString()])
            : null;
        return new Page<VisitDto>(page, next);
    }

    public async Task<VisitDto> AddAsync(Visit visit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visit);
        await using var context = shards.Create(map.ShardForRecord(visit.Id));
        if (!await context.Patients.AnyAsync(p => p.Id == visit.PatientId, cancellationToken))
        {
            throw new RecordNotFoundException(Resource.Patient);
        }

        context.Visits.Add(visit);
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The patient may have been deleted between the check and the insert (the foreign key refused the visit).
            await using var check = shards.Create(map.ShardForRecord(visit.Id));
            if (!await check.Patients.AnyAsync(p => p.Id == visit.PatientId, CancellationToken.None))
            {
                throw new RecordNotFoundException(Resource.Patient);
            }

            throw;
        }

        return visit.ToDto();
    }

    public async Task<VisitDto> UpdateAsync(
        Guid id, int expectedVersion, DateOnly patientBirthDate, VisitInput input, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var context = shards.Create(map.ShardForRecord(id));
        var visit = await context.Visits.FirstOrDefaultAsync(v => v.Id == id, cancellationToken)
            ?? throw new RecordNotFoundException(Resource.Visit);
        if (visit.Version != expectedVersion)
        {
            throw new ConcurrencyConflictException(Resource.Visit, visit.Version);
        }

        visit.Update(patientBirthDate, input, now);
        await SaveAsync(context, cancellationToken);
        return visit.ToDto();
    }

    public async Task DeleteAsync(Guid id, int? expectedVersion, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(map.ShardForRecord(id));
        var visit = await context.Visits.FirstOrDefaultAsync(v => v.Id == id, cancellationToken)
            ?? throw new RecordNotFoundException(Resource.Visit);
        if (expectedVersion is { } expected && visit.Version != expected)
        {
            throw new ConcurrencyConflictException(Resource.Visit, visit.Version);
        }

        context.Visits.Remove(visit);
        await SaveAsync(context, cancellationToken);
    }

    private static (DateTimeOffset StartedAt, Guid Id) ParseCursor(IReadOnlyList<string> parts) =>
        DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.None, out var startedAt)
        && Guid.TryParse(parts[1], out var id)
            ? (startedAt, id)
            : throw new Core.Validation.ValidationFailedException("cursor", "The page cursor is not valid. Start again from the first page.");

    private static async Task SaveAsync(ShardDbContext context, CancellationToken cancellationToken)
    {
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException(Resource.Visit, currentVersion: null);
        }
    }
}
