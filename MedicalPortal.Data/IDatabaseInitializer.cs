namespace MedicalPortal.Data;

/// <summary>Brings the catalog and every shard to the current schema and loads what routing needs.</summary>
public interface IDatabaseInitializer
{
    /// <summary>
    /// Applies pending migrations to the catalog and to every shard, configured or registered in the catalog (the
    /// <c>migrate</c> command). A shard that does not answer stops it with
    /// <see cref="Core.Sharding.DatabaseUnavailableException"/>, after the others.
    /// </summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Migrates, then creates or loads the shard map, the seeded roles and their default permissions (the commands).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="InitializeAsync"/>, for a node that serves: a shard that does not answer does not stop it. That
    /// shard waits (unavailable, as if down) until <see cref="MigrateWaitingShardsAsync"/> finds it answering and has
    /// migrated it. The catalog must answer: without it nobody can sign in.
    /// </summary>
    Task InitializeServingAsync(CancellationToken cancellationToken);

    /// <summary>Migrates the waiting shards that answer now, which then serve; returns those still waiting.</summary>
    Task<IReadOnlyList<string>> MigrateWaitingShardsAsync(CancellationToken cancellationToken);
}
