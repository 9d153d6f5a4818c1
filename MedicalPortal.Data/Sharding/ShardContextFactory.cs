using System.Collections.Frozen;
using MedicalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Sharding;

/// <summary>One shard context per operation, for the shard named. Options are built once per shard.</summary>
internal sealed class ShardContextFactory
{
    private readonly DatabaseProviderServices _provider;
    private readonly FrozenDictionary<string, DbContextOptions> _options;

    public ShardContextFactory(DatabaseProviderServices provider, IEnumerable<ShardConnection> shards)
    {
        _provider = provider;
        _options = shards.ToFrozenDictionary(
            s => s.Name, s => provider.ShardOptions(s.ConnectionString), StringComparer.OrdinalIgnoreCase);
        Configured = [.. shards.Select(s => s.Name)];
    }

    /// <summary>Every configured shard, whether or not the shard map gives it buckets yet.</summary>
    public IReadOnlyList<string> Configured { get; }

    public ShardDbContext Create(string shard) =>
        _options.TryGetValue(shard, out var options)
            ? _provider.NewShard(options)
            : throw new InvalidOperationException(
                $"The shard map names the shard '{shard}', which {DatabaseOptions.SectionName}:Shards does not configure.");
}
