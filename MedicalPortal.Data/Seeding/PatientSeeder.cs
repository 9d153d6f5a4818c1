using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Seeding;

/// <summary>A patient to seed together with their visits and study consents (one shard, one transaction).</summary>
internal sealed record SeedPatient(Patient Patient, IReadOnlyList<Visit> Visits, IReadOnlyList<Enrollment>? Enrollments = null);

/// <summary>
/// Writes batches of patients with their visits straight to their shards, one transaction per shard and batch,
/// shards in parallel. Patients whose id already exists are skipped, so a rerun or a racing node adds nothing twice.
/// The MRNs must already be reserved in the catalog.
/// </summary>
internal sealed class PatientSeeder(IShardMap map, ShardContextFactory shards)
{
    private const int Attempts = 3;

    public async Task<SeedResult> InsertAsync(IReadOnlyList<SeedPatient> batch, CancellationToken cancellationToken)
    {
        var perShard = await Task.WhenAll(batch
            .GroupBy(p => map.ShardForPatient(p.Patient.Id))
            .Select(group => InsertIntoShardAsync(group.Key, group.ToList(), cancellationToken)));
        return new SeedResult(perShard.Sum(r => r.Patients), perShard.Sum(r => r.Visits));
    }

    private async Task<SeedResult> InsertIntoShardAsync(
        string shard, List<SeedPatient> patients, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var context = shards.Create(shard);
            context.Actor = AuditActor.System;
            context.ChangeTracker.AutoDetectChangesEnabled = false;

            var ids = patients.Select(p => p.Patient.Id).ToList();
            var existing = (await context.Patients.Where(p => ids.Contains(p.Id)).Select(p => p.Id)
                .ToListAsync(cancellationToken)).ToHashSet();
            var fresh = patients.Where(p => !existing.Contains(p.Patient.Id)).ToList();
            if (fresh.Count == 0)
            {
                return new SeedResult(0, 0);
            }

            context.Patients.AddRange(fresh.Select(p => p.Patient));
            context.Visits.AddRange(fresh.SelectMany(p => p.Visits));
            context.Enrollments.AddRange(fresh.SelectMany(p => p.Enrollments ?? []));
            try
            {
                await context.SaveChangesAsync(cancellationToken);
                return new SeedResult(fresh.Count, fresh.Sum(p => p.Visits.Count));
            }
            catch (DbUpdateException) when (attempt < Attempts)
            {
                // Another node inserted some of the same patients meanwhile: look again and insert the rest.
            }
        }
    }
}
