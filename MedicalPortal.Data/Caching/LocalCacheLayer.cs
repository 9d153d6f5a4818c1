using Microsoft.Extensions.Caching.Memory;

namespace MedicalPortal.Data.Caching;

/// <summary>A cached value in this node's memory: the object itself, or a tombstone for a deleted record.</summary>
internal sealed record LocalEntry(object? Value, long Version)
{
    public bool IsTombstone => Value is null;
}

/// <summary>
/// The in-process layer. Every key hashes to one of a fixed set of stripes, each with a generation that an eviction
/// bumps: a reader notes the generation before it loads, and its result is kept only if the generation has not moved,
/// so a reader that loaded an old version can never put it back after a writer evicted it.
/// </summary>
internal sealed class LocalCacheLayer : IDisposable
{
    private const int StripeCount = 1024;

    private readonly object[] _locks = new object[StripeCount];
    private readonly long[] _generations = new long[StripeCount];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _writing = new(StringComparer.Ordinal);
    private readonly TimeSpan _timeToLive;
    private readonly int _capacity;
    private MemoryCache _entries;

    public LocalCacheLayer(int capacity, TimeSpan timeToLive)
    {
        _capacity = capacity;
        _timeToLive = timeToLive;
        _entries = NewStore();
        for (var i = 0; i < StripeCount; i++)
        {
            _locks[i] = new object();
        }
    }

    /// <summary>The stamp a reader takes before loading, to hand back to <see cref="TryFill"/>.</summary>
    public long Stamp(string key)
    {
        var stripe = StripeOf(key);
        lock (_locks[stripe])
        {
            return _generations[stripe];
        }
    }

    /// <summary>The cached entry, unless a write to it is in progress on this node.</summary>
    public LocalEntry? Find(string key) => _writing.ContainsKey(key) ? null : _entries.Get<LocalEntry>(key);

    /// <summary>Keeps what a reader loaded, unless anything was written or evicted in its stripe since <paramref name="stamp"/>.</summary>
    public bool TryFill(string key, long stamp, LocalEntry entry, TimeSpan? timeToLive = null)
    {
        var stripe = StripeOf(key);
        lock (_locks[stripe])
        {
            if (_generations[stripe] != stamp || _writing.ContainsKey(key))
            {
                return false;
            }

            Store(key, entry, timeToLive);
            return true;
        }
    }

    /// <summary>
    /// Before a commit (when this node's memory is the only cache): readers go to the database until
    /// <see cref="CompleteWrite"/>, and loads already under way are refused.
    /// </summary>
    public void BeginWrite(string key)
    {
        var stripe = StripeOf(key);
        lock (_locks[stripe])
        {
            _generations[stripe]++;
            _writing[key] = _writing.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>
    /// After the commit: <paramref name="entry"/> replaces an older cached value but never a newer one (nor a
    /// tombstone); null invalidates.
    /// </summary>
    public void CompleteWrite(string key, LocalEntry? entry)
    {
        var stripe = StripeOf(key);
        lock (_locks[stripe])
        {
            _generations[stripe]++;

            // The entry first, the write's mark after: Find takes no lock, and a reader that no longer sees the mark
            // must find the committed value, never the one it replaces.
            if (entry is null)
            {
                _entries.Remove(key);
            }
            else if (_entries.Get<LocalEntry>(key) is not { } current || current.Version < entry.Version)
            {
                Store(key, entry);
            }

            if (_writing.GetValueOrDefault(key) <= 1)
            {
                _writing.Remove(key, out _);
            }
            else
            {
                _writing[key]--;
            }
        }
    }

    public void Evict(string key)
    {
        var stripe = StripeOf(key);
        lock (_locks[stripe])
        {
            _generations[stripe]++;
            _entries.Remove(key);
        }
    }

    /// <summary>Forgets everything, and refuses every load that started before.</summary>
    public void Clear()
    {
        for (var stripe = 0; stripe < StripeCount; stripe++)
        {
            Monitor.Enter(_locks[stripe]);
        }

        try
        {
            for (var stripe = 0; stripe < StripeCount; stripe++)
            {
                _generations[stripe]++;
            }

            var old = _entries;
            _entries = NewStore();
            old.Dispose();
        }
        finally
        {
            for (var stripe = StripeCount - 1; stripe >= 0; stripe--)
            {
                Monitor.Exit(_locks[stripe]);
            }
        }
    }

    public long Count => _entries.Count;

    public void Dispose() => _entries.Dispose();

    private void Store(string key, LocalEntry entry, TimeSpan? timeToLive = null) =>
        _entries.Set(key, entry, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = timeToLive ?? _timeToLive });

    private MemoryCache NewStore() => new(new MemoryCacheOptions { SizeLimit = _capacity, CompactionPercentage = 0.1 });

    private static int StripeOf(string key) => (int)((uint)StringComparer.Ordinal.GetHashCode(key) % StripeCount);
}
