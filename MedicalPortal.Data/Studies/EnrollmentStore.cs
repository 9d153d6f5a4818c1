using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Sharding;
using MedicalPortal.Data.Writing;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Studies;

/// <summary>Enrollments on their patients' shards; a study's participants are gathered from every shard in parallel.</summary>
internal sealed class EnrollmentStore(IShardMap map, ShardContextFactory shards, ShardRouting routing, WritePath writes) : IEnrollmentStore
{
    public Task<EnrollmentDto?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        routing.ReadAsync(
            Buckets.OfRecordId(id),
            async (context, ct) => (await context.Enrollments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct))?.ToDto(),
            found: enrollment => enrollment is not null,
            cancellationToken);

    public async Task<IReadOnlyList<EnrollmentDto>> ListForStudyAsync(
        Guid studyId, Guid? onlyPatientId, CancellationToken cancellationToken)
    {
        IEnumerable<string> targets = onlyPatientId is { } only ? [map.ShardForPatient(only)] : map.Shards;
        var perShard = await Task.WhenAll(targets.Select(async shard =>
        {
            await using var context = shards.Create(shard);
            var query = context.Enrollments.AsNoTracking().OwnedBy(map, shard).Where(e => e.StudyId == studyId);
            if (onlyPatientId is { } patientId)
            {
                query = query.Where(e => e.PatientId == patientId);
            }

            return await query.ToListAsync(cancellationToken);
        }));

        return perShard.SelectMany(e => e).OrderBy(e => e.ConsentedAt).ThenBy(e => e.Id).Select(e => e.ToDto()).ToList();
    }

    public async Task<IReadOnlyList<EnrollmentDto>> ListForPatientAsync(Guid patientId, CancellationToken cancellationToken)
    {
        var enrollments = await routing.ReadAsync(
            Buckets.ForPatient(patientId),
            (context, ct) => context.Enrollments.AsNoTracking().Where(e => e.PatientId == patientId).ToListAsync(ct),
            found: list => list.Count > 0,
            cancellationToken);
        return enrollments.OrderBy(e => e.ConsentedAt).Select(e => e.ToDto()).ToList();
    }

    public async Task<EnrollmentDto> AddAsync(AuditActor actor, Enrollment enrollment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(enrollment);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await writes.ToShardAsync(actor, Buckets.OfRecordId(enrollment.Id), Resource.Enrollment, async (context, ct) =>
                {
                    if (!await context.Patients.AnyAsync(p => p.Id == enrollment.PatientId, ct))
                    {
                        throw new RecordNotFoundException(Resource.Patient);
                    }

                    var active = await context.Enrollments.AsNoTracking().FirstOrDefaultAsync(
                        e => e.StudyId == enrollment.StudyId && e.PatientId == enrollment.PatientId && e.WithdrawnAt == null, ct);
                    if (active is null)
                    {
                        context.Enrollments.Add(enrollment);
                    }

                    return Staged<EnrollmentDto>.Uncached((active ?? enrollment).ToDto());
                }, cancellationToken);
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // A concurrent consent won the unique index on active enrollments (or the patient went): look again.
            }
        }
    }

    public Task<EnrollmentDto> CorrectConsentAsync(
        AuditActor actor, Guid id, int? expectedVersion, DateTimeOffset? consentedAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        writes.ToShardAsync(actor, Buckets.OfRecordId(id), Resource.Enrollment, async (context, ct) =>
        {
            var enrollment = await WritePath.LoadAsync<Enrollment>(context, id, expectedVersion, Resource.Enrollment, ct);
            enrollment.CorrectConsent(consentedAt, now);
            return Staged<EnrollmentDto>.Uncached(enrollment.ToDto());
        }, cancellationToken);

    public async Task<EnrollmentDto> WithdrawAsync(AuditActor actor, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await writes.ToShardAsync(actor, Buckets.OfRecordId(id), Resource.Enrollment, async (context, ct) =>
            {
                var enrollment = await WritePath.LoadAsync<Enrollment>(context, id, expectedVersion: null, Resource.Enrollment, ct);
                enrollment.Withdraw(now);
                return Staged<EnrollmentDto>.Uncached(enrollment.ToDto());
            }, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            // Withdrawn at the same moment by someone else: the result is the same.
            return (await FindAsync(id, cancellationToken)) ?? throw new RecordNotFoundException(Resource.Enrollment);
        }
    }

    public async Task<int> CountForStudyAsync(Guid studyId, CancellationToken cancellationToken)
    {
        var counts = await Task.WhenAll(map.Shards.Select(async shard =>
        {
            await using var context = shards.Create(shard);
            return await context.Enrollments.OwnedBy(map, shard).CountAsync(e => e.StudyId == studyId, cancellationToken);
        }));
        return counts.Sum();
    }

    public async Task<ConsentCounts> CountsByStudyAsync(CancellationToken cancellationToken)
    {
        var perShard = await Task.WhenAll(map.Shards.Select(async shard =>
        {
            try
            {
                await using var context = shards.Create(shard);
                var rows = await context.Enrollments.AsNoTracking().OwnedBy(map, shard)
                    .GroupBy(e => e.StudyId)
                    .Select(g => new { StudyId = g.Key, Active = g.Count(e => e.WithdrawnAt == null), Withdrawn = g.Count(e => e.WithdrawnAt != null) })
                    .ToListAsync(cancellationToken);
                return (Shard: shard, Rows: rows.Select(r => (r.StudyId, Counts: new StudyConsents(r.Active, r.Withdrawn))).ToList());
            }
            catch (ShardUnavailableException)
            {
                return (Shard: shard, Rows: default(List<(Guid StudyId, StudyConsents Counts)>));
            }
        }));
        var studies = perShard.SelectMany(result => result.Rows ?? [])
            .GroupBy(row => row.StudyId)
            .ToDictionary(g => g.Key, g => new StudyConsents(g.Sum(r => r.Counts.Active), g.Sum(r => r.Counts.Withdrawn)));
        return new ConsentCounts(studies, [.. perShard.Where(result => result.Rows is null).Select(result => result.Shard)]);
    }
}
