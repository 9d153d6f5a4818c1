using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Sharding;
using MedicalPortal.Data.Writing;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Patients;

/// <summary>
/// Patients on their shards, profiles read through the cache; MRNs through the catalog's registry; search fans out to
/// every shard (and is not cached: its answers change with every registration).
/// </summary>
internal sealed class PatientStore(
    IShardMap map, ShardContextFactory shards, ShardRouting routing, MrnRegistry mrns, RecordCache cache, WritePath writes)
    : IPatientStore
{
    public Task<PatientDto?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(CacheKeys.Patient(id), ct => LoadAsync(id, ct), cancellationToken, p => p.Version);

    private Task<PatientDto?> LoadAsync(Guid id, CancellationToken cancellationToken) =>
        routing.ReadAsync(
            Buckets.ForPatient(id),
            async (context, ct) => (await context.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct))?.ToDto(),
            found: patient => patient is not null,
            cancellationToken);

    public async Task<PatientDto> AddAsync(AuditActor actor, Patient patient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patient);
        await mrns.ReserveAsync(patient.Mrn, patient.Id, cancellationToken);
        try
        {
            return await writes.ToShardAsync(actor, Buckets.ForPatient(patient.Id), Resource.Patient, (context, _) =>
            {
                context.Patients.Add(patient);
                var dto = patient.ToDto();
                return Task.FromResult(Staged.Put(CacheKeys.Patient(dto.Id), dto, dto.Version));
            }, cancellationToken);
        }
        catch
        {
            // Give the MRN back, unless this patient was stored under it after all (a failure after the commit).
            try
            {
                await using var check = shards.Create(map.ShardForPatient(patient.Id));
                if (!await check.Patients.AnyAsync(p => p.Id == patient.Id && p.Mrn == patient.Mrn, CancellationToken.None))
                {
                    await mrns.ReleaseAsync(patient.Mrn, patient.Id, CancellationToken.None);
                }
            }
            catch (ShardUnavailableException)
            {
                // The shard cannot be asked: the MRN stays with this patient's id. A number left unused is harmless;
                // one MRN on two patients is not.
            }

            throw;
        }
    }

    public Task<PatientDto> UpdateAsync(
        AuditActor actor, Guid id, int expectedVersion, PatientInput input, DateTimeOffset now, CancellationToken cancellationToken) =>
        writes.ToShardAsync(actor, Buckets.ForPatient(id), Resource.Patient, async (context, ct) =>
        {
            var patient = await WritePath.LoadAsync<Patient>(context, id, expectedVersion, Resource.Patient, ct);
            patient.Update(input, now);
            var dto = patient.ToDto();
            return Staged.Put(CacheKeys.Patient(id), dto, dto.Version);
        }, cancellationToken);

    public Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken) =>
        writes.ToShardAsync(actor, Buckets.ForPatient(id), Resource.Patient, async (context, ct) =>
        {
            var patient = await WritePath.LoadAsync<Patient>(context, id, expectedVersion, Resource.Patient, ct);

            // Visits and enrollments go with the patient, in the same transaction on the same shard. They are removed
            // one by one (rather than by the database's cascade) so that each leaves its own audit entry.
            // The MRN stays reserved: MRNs are never reused.
            context.Visits.RemoveRange(await context.Visits.Where(v => v.PatientId == id).ToListAsync(ct));
            context.Enrollments.RemoveRange(await context.Enrollments.Where(e => e.PatientId == id).ToListAsync(ct));
            context.Patients.Remove(patient);
            return Staged.Deleted(CacheKeys.Patient(id), CacheKeys.Visits(id));
        }, cancellationToken);

    public async Task<Page<PatientDto>> SearchAsync(PatientSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        IEnumerable<string> targets = search.OnlyPatientId is { } only ? [map.ShardForPatient(only)] : map.Shards;

        // Every shard is asked for one more than a page; the merged first page is then exact, and anything left over
        // means there is a next page.
        // A shard that does not answer leaves out its patients, and the page says which shard that was.
        var perShard = await Task.WhenAll(targets.Select(shard => SearchShardOrNoneAsync(shard, search, cancellationToken)));
        var merged = perShard.SelectMany(result => result.Patients ?? [])
            .Select(p => (Key: new PatientSortKey(p.FamilyNameKey, p.GivenNameKey, p.Mrn), Patient: p))
            .OrderBy(x => x.Key)
            .ToList();

        var page = merged.Take(search.Limit).ToList();
        var next = merged.Count > search.Limit ? page[^1].Key.ToCursor() : null;
        return new Page<PatientDto>(page.Select(x => x.Patient.ToDto()).ToList(), next)
        {
            UnavailableShards = [.. perShard.Where(result => result.Patients is null).Select(result => result.Shard)],
        };
    }

    public async Task<RegisteredPatients> RegisteredBetweenAsync(
        DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        var perShard = await Task.WhenAll(map.Shards.Select(async shard =>
        {
            try
            {
                return (Shard: shard, Found: ((int, List<RegisteredPatient>)?)await RegisteredOnShardAsync(shard, from, to, limit, cancellationToken));
            }
            catch (ShardUnavailableException)
            {
                return (Shard: shard, Found: default((int, List<RegisteredPatient>)?));
            }
        }));
        return new RegisteredPatients(
            perShard.Sum(result => result.Found?.Item1 ?? 0),
            [.. perShard.SelectMany(result => result.Found?.Item2 ?? []).OrderByDescending(p => p.RegisteredAt).Take(limit)],
            [.. perShard.Where(result => result.Found is null).Select(result => result.Shard)]);
    }

    private async Task<(int, List<RegisteredPatient>)> RegisteredOnShardAsync(
        string shard, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(shard);
        var registered = context.Patients.AsNoTracking().OwnedBy(map, shard).Where(p => p.CreatedAt >= from && p.CreatedAt < to);
        var count = await registered.CountAsync(cancellationToken);
        if (count == 0 || limit == 0)
        {
            return (count, []);
        }

        var newest = await registered.OrderByDescending(p => p.CreatedAt).Take(limit).ToListAsync(cancellationToken);
        return (count, [.. newest.Select(p => new RegisteredPatient(p.ToDto(), p.CreatedAt))]);
    }

    private async Task<(string Shard, List<Patient>? Patients)> SearchShardOrNoneAsync(
        string shard, PatientSearch search, CancellationToken cancellationToken)
    {
        try
        {
            return (shard, await SearchShardAsync(shard, search, cancellationToken));
        }
        catch (ShardUnavailableException)
        {
            return (shard, null);
        }
    }

    /// <summary>
    /// One shard's part of a page: its first <c>Limit + 1</c> patients in the search order, of the buckets the map gives
    /// it. Which buckets those are is checked on the rows read, not in the query: in SQL the bucket range led SQLite to
    /// read the whole shard through its bucket index and sort it, where the name index gives the page at once
    /// (docs/PERFORMANCE.md). A row of a bucket the map gives another shard (a move's copy, or what a finished move left
    /// behind) is skipped, and the rows after it are read, until the page is full or the shard has no more.
    /// </summary>
    private async Task<List<Patient>> SearchShardAsync(string shard, PatientSearch search, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(shard);
        var owns = OwnedBuckets.Of(map, shard);
        var wanted = search.Limit + 1;
        var found = new List<Patient>(wanted);
        var after = search.After;
        for (var take = wanted; ; take = Math.Min(take * 4, 1_000))
        {
            var rows = await PatientSearchQuery.ReadAsync(context, search, after, take, cancellationToken);
            found.AddRange(owns is null ? rows : rows.Where(p => owns(p.Bucket)));
            if (found.Count >= wanted || rows.Count < take)
            {
                return found.Count > wanted ? found[..wanted] : found;
            }

            after = new PatientSortKey(rows[^1].FamilyNameKey, rows[^1].GivenNameKey, rows[^1].Mrn);
        }
    }
}
