using System.Collections.Concurrent;
using MedicalPortal.Core.Sharding;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// What this node knows of its shards' answering, so that a shard that is down costs its own patients only, and
/// costs them no waiting. A shard is refused at once (<see cref="ShardUnavailableException"/>) while it waits for
/// its migrations (it was down at start), or for <see cref="DatabaseOptions.ShardCooldownSeconds"/> after it failed to
/// answer; then the next request tries it (and the ones beside it are still refused), and an answer ends the cool-down.
/// </summary>
internal sealed class ShardAvailability(TimeProvider clock, DatabaseOptions options)
{
    private readonly ConcurrentDictionary<string, bool> _waiting = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _coolingUntil = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeSpan _cooldown = TimeSpan.FromSeconds(options.ShardCooldownSeconds);

    public bool IsWaiting(string shard) => _waiting.ContainsKey(shard);

    /// <summary>Refuses the shard if it waits for its migrations or cools down; the first request after a cool-down tries it.</summary>
    public void ThrowIfRefused(string shard)
    {
        if (_waiting.ContainsKey(shard))
        {
            throw ShardUnavailableException.For(shard);
        }

        if (_coolingUntil.TryGetValue(shard, out var until))
        {
            var now = clock.GetUtcNow();

            // One request claims the try by moving the end of the cool-down on; the others see the new end.
            if (now < until || !_coolingUntil.TryUpdate(shard, now + _cooldown, until))
            {
                throw ShardUnavailableException.For(shard);
            }
        }
    }

    /// <summary>The shard did not answer: refuse it for the cool-down.</summary>
    public void Failed(string shard)
    {
        if (_cooldown > TimeSpan.Zero)
        {
            _coolingUntil[shard] = clock.GetUtcNow() + _cooldown;
        }
    }

    /// <summary>The shard answered: no cool-down.</summary>
    public void Answered(string shard)
    {
        // Called after every query that a shard answered: a lock-free read first (IsEmpty and TryRemove would lock),
        // and a removal only when the shard was cooling down.
        if (_coolingUntil.TryGetValue(shard, out _))
        {
            _coolingUntil.TryRemove(shard, out _);
        }
    }

    public void MarkWaiting(string shard) => _waiting[shard] = true;

    public void MarkMigrated(string shard)
    {
        _waiting.TryRemove(shard, out _);
        Answered(shard);
    }
}
