using System.Collections.Frozen;
using MedicalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// One shard context per operation, for the shard named, rented from the shard's pool. Options are built once per
/// shard. A shard that <see cref="ShardAvailability"/> refuses (waiting for its migrations, or cooling down after it
/// failed to answer) gets no context: <see cref="Core.Sharding.ShardUnavailableException"/> at once, without a
/// connection tried.
/// </summary>
/// <remarks>
/// It starts with the configured shards and learns the registered ones (<see cref="Learn"/>) once the catalog is read,
/// or when this process registers one. What it knows is an immutable snapshot, replaced whole when it learns a shard:
/// <see cref="Create"/> is one dictionary lookup, with no lock, on every request.
/// </remarks>
internal sealed class ShardContextFactory
{
    private readonly DatabaseProviderServices _provider;
    private readonly Lock _learning = new();
    private volatile Snapshot _snapshot;

    public ShardContextFactory(DatabaseProviderServices provider, IEnumerable<ShardConnection> shards, ShardAvailability availability)
    {
        _provider = provider;
        Availability = availability;
        var configured = shards.ToList();
        Configured = [.. configured.Select(s => s.Name)];
        _snapshot = Snapshot.Empty.With(configured.Select(NewShard));
    }

    /// <summary>The shards <c>Database:Shards</c> configures (or the embedded default), in their order.</summary>
    public IReadOnlyList<string> Configured { get; }

    /// <summary>Every shard this node knows, whether or not the shard map gives it buckets: the configured ones, then the registered ones.</summary>
    public IReadOnlyList<string> Known => _snapshot.Names;

    public ShardAvailability Availability { get; }

    /// <summary>The shards waiting for their migrations because they did not answer at start.</summary>
    public IReadOnlyList<string> Waiting => [.. Known.Where(Availability.IsWaiting)];

    /// <summary>
    /// A context that serves the shard, unless the shard is refused for now: from the shard's pool, naming no actor
    /// (whoever writes through it names one, as with a new context).
    /// </summary>
    public ShardDbContext Create(string shard)
    {
        var rent = ShardOf(shard).Rent;
        Availability.ThrowIfRefused(shard);
        var context = rent();
        context.Actor = null;
        return context;
    }

    /// <summary>
    /// For a shard's work outside an execution strategy (the access log's batches): a failure that means the shard did
    /// not answer starts its cool-down and becomes <see cref="Core.Sharding.ShardUnavailableException"/>; any other
    /// failure is returned as it is.
    /// </summary>
    public Exception Translate(string shard, Exception exception)
    {
        if (!ShardExecutionStrategy.IsUnavailable(exception, _provider.IsUnavailable))
        {
            return exception;
        }

        Availability.Failed(shard);
        return Core.Sharding.ShardUnavailableException.For(shard, exception);
    }

    /// <summary>A context that migrates the shard, waiting or not, creating the database where the provider can.</summary>
    public ShardDbContext CreateForMigration(string shard) => _provider.NewShard(ShardOf(shard).Migrating);

    /// <summary>The connection string of a known shard: to check that a shard being added is not one of these databases.</summary>
    public string ConnectionStringOf(string shard) => ShardOf(shard).ConnectionString;

    /// <summary>
    /// Makes a registered shard known to this node; a shard it knows by that name and connection string already is
    /// left as it is. The same name with another connection string is refused: two databases cannot be one shard.
    /// </summary>
    public void Learn(ShardConnection shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        lock (_learning)
        {
            if (_snapshot.Shards.TryGetValue(shard.Name, out var known))
            {
                if (!string.Equals(known.ConnectionString, shard.ConnectionString, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"The shard '{shard.Name}' is known with another connection string: {DatabaseOptions.SectionName}:Shards " +
                        "and the catalog's shard registry name it for two databases.");
                }

                return;
            }

            _snapshot = _snapshot.With([NewShard(shard)]);
        }
    }

    private Shard NewShard(ShardConnection shard) => new(
        shard.Name,
        shard.ConnectionString,
        _provider.ShardPool(_provider.ShardOptions(shard.Name, shard.ConnectionString, Availability)),
        _provider.ShardOptions(shard.Name, shard.ConnectionString, availability: null));

    private Shard ShardOf(string shard) =>
        _snapshot.Shards.TryGetValue(shard, out var known)
            ? known
            : throw new InvalidOperationException(
                $"The shard map names the shard '{shard}', which neither {DatabaseOptions.SectionName}:Shards configures " +
                "nor the catalog's shard registry holds.");

    private sealed record Shard(string Name, string ConnectionString, Func<ShardDbContext> Rent, DbContextOptions Migrating);

    private sealed record Snapshot(FrozenDictionary<string, Shard> Shards, IReadOnlyList<string> Names)
    {
        public static Snapshot Empty { get; } =
            new(FrozenDictionary<string, Shard>.Empty.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), []);

        public Snapshot With(IEnumerable<Shard> added)
        {
            var names = Names.ToList();
            var shards = new Dictionary<string, Shard>(Shards, StringComparer.OrdinalIgnoreCase);
            foreach (var shard in added)
            {
                shards.Add(shard.Name, shard);
                names.Add(shard.Name);
            }

            return new Snapshot(shards.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), names.AsReadOnly());
        }
    }
}
