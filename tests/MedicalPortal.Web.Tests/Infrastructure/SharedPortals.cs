namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// Test classes that can live on one installation share it: each portal costs a start and a demo seed. The classes of
/// one group run one after the other, so a moved clock or a changed record never races another class's request.
/// </summary>
public static class SharedPortals
{
    /// <summary>Classes on one <see cref="ClockedPortal"/>: each signs in afresh after whatever the clock did before.</summary>
    public const string Clocked = "Clocked portal";

    /// <summary>Classes on one <see cref="PortalFactory"/> that leave the seeded roles and matrix as they found them.</summary>
    public const string Default = "Default portal";

    /// <summary>
    /// The PostgreSQL runs of the classes that run on both providers (their own SQLite runs keep a portal per class).
    /// They register records under names no other class uses, so one PostgreSQL start and demo seed serves them all.
    /// </summary>
    public const string Postgres = "PostgreSQL portal";
}

[CollectionDefinition(SharedPortals.Clocked)]
public sealed class ClockedPortalGroup : ICollectionFixture<ClockedPortal>;

[CollectionDefinition(SharedPortals.Default)]
public sealed class DefaultPortalGroup : ICollectionFixture<PortalFactory>;

[CollectionDefinition(SharedPortals.Postgres)]
public sealed class PostgresPortalGroup : ICollectionFixture<PostgresPortal>;
