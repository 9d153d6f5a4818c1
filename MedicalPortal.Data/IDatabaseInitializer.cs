namespace MedicalPortal.Data;

/// <summary>Brings the catalog and every shard to the current schema and loads what routing needs.</summary>
public interface IDatabaseInitializer
{
    /// <summary>Applies pending migrations to the catalog and to every configured shard (the <c>migrate</c> command).</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Migrates, then creates or loads the shard map, the seeded roles and their default permissions.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}
