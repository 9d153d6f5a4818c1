using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Studies;

/// <summary>Enrollments on their patients' shards; a study's participants are gathered from every shard in parallel.</summary>
internal sealed class EnrollmentStore(IShardMap map, ShardContextFactory shards) : IEnrollmentStore
{
    public async Task<EnrollmentDto?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(map.ShardForRecord(id));
        return (await context.Enrollments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken))?.ToDto();
    }

    public async Task<IReadOnlyList<EnrollmentDto>> ListForStudyAsync(
        Guid studyId, Guid? onlyPatientId, CancellationToken cancellationToken)
    {
        IEnumerable<string> targets = onlyPatientId is { } only ? [map.ShardForPatient(only)] : map.Shards;
        var perShard = await Task.WhenAll(targets.Select(async shard =>
        {
            await using var context = shards.Create(shard);
            var query = context.Enrollments.AsNoTracking().Where(e => e.StudyId == studyId);
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
        await using var context = shards.Create(map.ShardForPatient(patientId));
        var enrollments = await context.Enrollments.AsNoTracking().Where(e => e.PatientId == patientId).ToListAsync(cancellationToken);
        return enrollments.OrderBy(e => e.ConsentedAt).Select(e => e.ToDto()).ToList();
    }

    public async Task<EnrollmentDto> AddAsync(Enrollment enrollment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(enrollment);
        var shard = map.ShardForRecord(enrollment.Id);
        for (var attempt = 1; ; attempt++)
        {
            await using var context = shards.Create(shard);
            if (!await context.Patients.AnyAsync(p => p.Id == enrollment.PatientId, cancellationToken))
            {
                throw new RecordNotFoundException(Resource.Patient);
            }

            var active = await context.Enrollments.AsNoTracking().FirstOrDefaultAsync(
                e => e.StudyId == enrollment.StudyId && e.PatientId == enrollment.PatientId && e.WithdrawnAt == null,
                cancellationToken);
            if (active is not null)
            {
                return active.ToDto();
            }

            context.Enrollments.Add(enrollment);
            try
            {
                await context.SaveChangesAsync(cancellationToken);
                return enrollment.ToDto();
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // A concurrent consent won the unique index on active enrollments (or the patient went): look again.
            }
        }
    }

    public async Task<EnrollmentDto> CorrectConsentAsync(
        Guid id, int? expectedVersion, DateTimeOffset? consentedAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(map.ShardForRecord(id));
        var enrollment = await context.Enrollments.FirstOrDefaultAsync(e => e.Id == id, cancellationToken)
            ?? throw new RecordNotFoundException(Resource.Enrollment);
        if (expectedVersion is { } expected && enrollment.Version != expected)
        {
            throw new ConcurrencyConflictException(Resource.Enrollment, enrollment.Version);
        }

        enrollment.CorrectConsent(consentedAt, now);
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException(Resource.Enrollment, currentVersion: null);
        }

        return enrollment.ToDto();
    }

    public async Task<EnrollmentDto> WithdrawAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var context = shards.Create(map.ShardForRecord(id));
        var enrollment = await context.Enrollments.FirstOrDefaultAsync(e => e.Id == id, cancellationToken)
            ?? throw new RecordNotFoundException(Resource.Enrollment);
        enrollment.Withdraw(now);
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Withdrawn at the same moment by someone else: the result is the same.
            return (await FindAsync(id, cancellationToken)) ?? throw new RecordNotFoundException(Resource.Enrollment);
        }

        return enrollment.ToDto();
    }

    public async Task<int> CountForStudyAsync(Guid studyId, CancellationToken cancellationToken)
    {
        var counts = await Task.WhenAll(map.Shards.Select(async shard =>
        {
            await using var context = shards.Create(shard);
            return await context.Enrollments.CountAsync(e => e.StudyId == studyId, cancellationToken);
        }));
        return counts.Sum();
    }
}
