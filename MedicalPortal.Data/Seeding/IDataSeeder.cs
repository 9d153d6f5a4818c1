namespace MedicalPortal.Data.Seeding;

/// <summary>Demo data for development and data sets for load tests.</summary>
public interface IDataSeeder
{
    /// <summary>
    /// The demo accounts (one per seeded role) and a few hundred deterministic demo patients with visits over all
    /// shards. Idempotent, also when several nodes run it at the same moment.
    /// </summary>
    Task SeedDemoAsync(string password, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="patients"/> generated patients with <paramref name="visitsPerPatient"/> visits each, in
    /// batches. With <paramref name="randomSeed"/> the patients (ids, MRNs, names, dates) are the same on every run and
    /// any shard layout, so that data sets can be compared.
    /// </summary>
    Task<SeedResult> SeedPatientsAsync(
        int patients, int visitsPerPatient, IProgress<SeedResult>? progress, CancellationToken cancellationToken, int? randomSeed = null);
}

public sealed record SeedResult(int Patients, int Visits);
