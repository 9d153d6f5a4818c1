using MedicalPortal.Core.Patients;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Patients;

/// <summary>
/// Keeps MRNs unique across every shard: a patient's MRN is reserved in the catalog (primary key on the MRN) before
/// the patient is written to its shard. Reserving again for the same patient is a no-op, so retries are safe.
/// </summary>
internal sealed class MrnRegistry(IDbContextFactory<CatalogDbContext> catalog, TimeProvider clock)
{
    public async Task ReserveAsync(string mrn, Guid patientId, CancellationToken cancellationToken)
    {
        await using (var context = await catalog.CreateDbContextAsync(cancellationToken))
        {
            context.MrnReservations.Add(new MrnReservation { Mrn = mrn, PatientId = patientId, ReservedAt = clock.GetUtcNow() });
            try
            {
                await context.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException)
            {
                // Decided below by reading what is there: this works the same on every provider.
            }
        }

        var holder = await HolderAsync(mrn, cancellationToken);
        if (holder is null)
        {
            throw new InvalidOperationException("The MRN reservation could not be stored.");
        }

        if (holder != patientId)
        {
            throw new MrnTakenException();
        }
    }

    /// <summary>
    /// Reserves many MRNs in one transaction (bulk seeding). Returns the MRNs another patient already holds; none of
    /// the batch is reserved in that case, so the caller can replace those and try again.
    /// </summary>
    public async Task<IReadOnlySet<string>> ReserveManyAsync(
        IReadOnlyList<(string Mrn, Guid PatientId)> reservations, CancellationToken cancellationToken)
    {
        var mrns = reservations.Select(r => r.Mrn).ToList();
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var existing = await context.MrnReservations.AsNoTracking()
            .Where(r => mrns.Contains(r.Mrn))
            .ToDictionaryAsync(r => r.Mrn, r => r.PatientId, cancellationToken);

        var taken = reservations.Where(r => existing.TryGetValue(r.Mrn, out var holder) && holder != r.PatientId)
            .Select(r => r.Mrn).ToHashSet(StringComparer.Ordinal);
        if (taken.Count > 0)
        {
            return taken;
        }

        var now = clock.GetUtcNow();
        context.MrnReservations.AddRange(reservations.Where(r => !existing.ContainsKey(r.Mrn))
            .Select(r => new MrnReservation { Mrn = r.Mrn, PatientId = r.PatientId, ReservedAt = now }));
        try
        {
            await context.SaveChangesAsync(cancellationToken);
            return taken;
        }
        catch (DbUpdateException)
        {
            // Someone reserved one of them in between; report which, and let the caller retry.
            await using var again = await catalog.CreateDbContextAsync(cancellationToken);
            return (await again.MrnReservations.AsNoTracking().Where(r => mrns.Contains(r.Mrn)).ToListAsync(cancellationToken))
                .Where(r => reservations.Any(x => x.Mrn == r.Mrn && x.PatientId != r.PatientId))
                .Select(r => r.Mrn).ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>Undoes a reservation whose patient was never stored.</summary>
    public async Task ReleaseAsync(string mrn, Guid patientId, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        await context.MrnReservations.Where(r => r.Mrn == mrn && r.PatientId == patientId)
            .ExecuteDeleteAsync(cancellationToken);
    }

    private async Task<Guid?> HolderAsync(string mrn, CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        return await context.MrnReservations.AsNoTracking()
            .Where(r => r.Mrn == mrn).Select(r => (Guid?)r.PatientId).FirstOrDefaultAsync(cancellationToken);
    }
}
