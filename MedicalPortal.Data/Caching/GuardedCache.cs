namespace MedicalPortal.Data.Caching;

/// <summary>
/// A small in-process read-through cache that a slow reader cannot poison: a value loaded while an invalidation
/// happened is returned to its caller but never stored, so the next reader loads the committed state. Entries also
/// expire after <paramref name="timeToLive"/>, which bounds staleness for changes made outside the portal's code.
/// Used for the permission matrix and account status; the shared, multi-node cache arrives with Cache:Redis.
/// </summary>
internal sealed class GuardedCache<TKey, TValue>(TimeProvider clock, TimeSpan timeToLive)
    where TKey : notnull
{
    private readonly Lock _sync = new();
    private readonly Dictionary<TKey, (TValue Value, DateTimeOffset Expires)> _entries = [];
    private long _generation;

    public async Task<TValue> GetOrLoadAsync(TKey key, Func<CancellationToken, Task<TValue>> load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        long generation;
        lock (_sync)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Expires > clock.GetUtcNow())
            {
                return entry.Value;
            }

            generation = _generation;
        }

        var value = await load(cancellationToken);
        lock (_sync)
        {
            if (_generation == generation)
            {
                _entries[key] = (value, clock.GetUtcNow() + timeToLive);
            }
        }

        return value;
    }

    /// <summary>Drops the entry, and makes every load that started before this call leave the cache alone.</summary>
    public void Invalidate(TKey key)
    {
        lock (_sync)
        {
            _generation++;
            _entries.Remove(key);
        }
    }
}
