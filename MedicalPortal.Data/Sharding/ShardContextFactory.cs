using System.Collections.Concurrent;
using System.Collections.Frozen;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// One shard context per operation, for the shard named. Options are built once per shard. A shard whose migrations
/// could not be applied at start (it was down) is waiting: it serves nothing, as if still down, until
/// <see cref="DatabaseInitializer"/> has brought it to the current schema, so no query ever meets an old schema.
/// </summary>
internal sealed class ShardContextFactory
{
    private readonly DatabaseProviderServices _provider;
    private readonly FrozenDictionary<string, (DbContextOptions Serving, DbContextOptions Creating)> _options;
    private readonly ConcurrentDictionary<string, bool> _waiting = new(StringComparer.OrdinalIgnoreCase);

    public ShardContextFactory(DatabaseProviderServices provider, IEnumerable<ShardConnection> shards)
    {
        _provider = provider;
        _options = shards.ToFrozenDictionary(
            s => s.Name,
            s => (provider.ShardOptions(s.Name, s.ConnectionString, creating: false), provider.ShardOptions(s.Name, s.ConnectionString, creating: true)),
            StringComparer.OrdinalIgnoreCase);
        Configured = [.. shards.Select(s => s.Name)];
    }

    /// <summary>Every configured shard, whether or not the shard map gives it buckets yet.</summary>
    public IReadOnlyList<string> Configured { get; }

    /// <summary>The shards waiting for their migrations because they did not answer at start.</summary>
    public IReadOnlyList<string> Waiting => [.. Configured.Where(_waiting.ContainsKey)];

    /// <summary>A context that serves the shard; refused with <see cref="ShardUnavailableException"/> while it waits for its migrations.</summary>
    public ShardDbContext Create(string shard) =>
        _waiting.ContainsKey(shard) ? throw ShardUnavailableException.For(shard) : _provider.NewShard(OptionsOf(shard).Serving);

    /// <summary>A context that migrates the shard, waiting or not, creating the database where the provider can.</summary>
    public ShardDbContext CreateForMigration(string shard) => _provider.NewShard(OptionsOf(shard).Creating);

    public void MarkWaiting(string shard) => _waiting[shard] = true;

    public void MarkMigrated(string shard) => _waiting.TryRemove(shard, out _);

    private (DbContextOptions Serving, DbContextOptions Creating) OptionsOf(string shard) =>
        _options.TryGetValue(shard, out var options)
            ? options
            : throw new InvalidOperationException(
                $"The shard map names the shard '{shard}', which {DatabaseOptions.SectionName}:Shards does not configure.");
}
