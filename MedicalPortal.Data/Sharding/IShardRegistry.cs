using MedicalPortal.Core.Audit;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// The shards operators add (<c>shards add</c>), registered in the catalog so that every node knows them without a
/// change to its configuration, as Vitess's topology or Citus's <c>pg_dist_node</c> hold their shards. A node knows
/// the shards <c>Database:Shards</c> configures and those registered here; a name is one shard's only.
/// </summary>
public interface IShardRegistry
{
    /// <summary>
    /// What is wrong with the name or the connection string as such (a message), before anything is read or written;
    /// null if nothing. The message never repeats the connection string: it may carry a password.
    /// </summary>
    string? Problem(string name, string connectionString);

    /// <summary>
    /// Checks the shard, brings its database to the latest migration and registers it, with no buckets, naming
    /// <paramref name="actor"/> in the catalog's audit trail; this node knows it from then on, other nodes once the map
    /// gives it buckets (they read the registry again before the map) or from their next start. The same name with the same connection string again is <see cref="ShardAdditionOutcome.AlreadyAdded"/>.
    /// A database that does not answer is <see cref="Core.Sharding.DatabaseUnavailableException"/>, and nothing is registered.
    /// </summary>
    Task<ShardAddition> AddAsync(string name, string connectionString, AuditActor actor, CancellationToken cancellationToken);
}

/// <summary>What became of a shard to add: <see cref="Shard"/> is its name as registered; <see cref="Problem"/> why it was refused.</summary>
public sealed record ShardAddition(ShardAdditionOutcome Outcome, string Shard, string? Problem = null);

public enum ShardAdditionOutcome
{
    /// <summary>Migrated and registered now.</summary>
    Added,

    /// <summary>Registered before, with the same connection string: nothing to do.</summary>
    AlreadyAdded,

    /// <summary>Not a name or a connection string a shard can have, or one taken: nothing was written.</summary>
    Refused,
}
