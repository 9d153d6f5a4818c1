using System.Collections.Frozen;
using MedicalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// One shard context per operation, for the shard named. Options are built once per shard. A shard that
/// <see cref="ShardAvailability"/> refuses (waiting for its migrations, or cooling down after it failed to answer) gets
/// no context: <see cref="Core.Sharding.ShardUnavailableException"/> at once, without a connection tried.
/// </summary>
internal sealed class ShardContextFactory
{
    private readonly DatabaseProviderServices _provider;
    private readonly FrozenDictionary<string, (DbContextOptions Serving, DbContextOptions Migrating)> _options;

    public ShardContextFactory(DatabaseProviderServices provider, IEnumerable<ShardConnection> shards, ShardAvailability availability)
    {
        _provider = provider;
        Availability = availability;
        _options = shards.ToFrozenDictionary(
            s => s.Name,
            s => (provider.ShardOptions(s.Name, s.ConnectionString, availability), provider.ShardOptions(s.Name, s.ConnectionString, availability: null)),
            StringComparer.OrdinalIgnoreCase);
        Configured = [.. shards.Select(s => s.Name)];
    }

    /// <summary>Every configured shard, whether or not the shard map gives it buckets yet.</summary>
    public IReadOnlyList<string> Configured { get; }

    public ShardAvailability Availability { get; }

    /// <summary>The shards waiting for their migrations because they did not answer at start.</summary>
    public IReadOnlyList<string> Waiting => [.. Configured.Where(Availability.IsWaiting)];

    /// <summary>A context that serves the shard, unless the shard is refused for now.</summary>
    public ShardDbContext Create(string shard)
    {
        var options = OptionsOf(shard).Serving;
        Availability.ThrowIfRefused(shard);
        return _provider.NewShard(options);
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
    public ShardDbContext CreateForMigration(string shard) => _provider.NewShard(OptionsOf(shard).Migrating);

    private (DbContextOptions Serving, DbContextOptions Migrating) OptionsOf(string shard) =>
        _options.TryGetValue(shard, out var options)
            ? options
            : throw new InvalidOperationException(
                $"The shard map names the shard '{shard}', which {DatabaseOptions.SectionName}:Shards does not configure.");
}
