using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MedicalPortal.Data.Caching;

/// <summary>What Redis answered for one key.</summary>
internal readonly record struct SharedRead(string Generation, string Epoch, bool WriteInProgress, bool Hit, long Version, byte[]? Data);

/// <summary>A change to hand to Redis after a commit: a value to store, or an invalidation.</summary>
internal readonly record struct SharedUpdate(string Key, bool Invalidate, long Version, byte[] Data);

/// <summary>
/// Redis as the layer every node shares, and the channel on which nodes evict each other's in-memory copies. A writer
/// waits (briefly) until every other node has confirmed the eviction, so that once a write is acknowledged no node
/// serves the old value from memory. While Redis cannot be reached the layer is <see cref="Available">unavailable</see>:
/// the cache is bypassed and reads go to the databases. On reconnecting, the node forgets its memory (it may have missed
/// evictions) and moves the epoch on, which retires every value stored before the outage, then serves again.
/// </summary>
internal sealed partial class RedisCacheLayer : IAsyncDisposable
{
    private static readonly TimeSpan GenerationLifetime = TimeSpan.FromDays(1);
    private static readonly TimeSpan RecoveryInterval = TimeSpan.FromMilliseconds(250);

    private readonly CacheOptions _options;
    private readonly LocalCacheLayer _local;
    private readonly CacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _prefix;
    private readonly RedisChannel _evictions;
    private readonly RedisChannel _acks;
    private readonly RedisKey _epoch;
    private readonly string _nodeId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, PendingEviction> _pending = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _supervisor;
    private ConnectionMultiplexer? _connection;
    private volatile bool _available;
    private volatile bool _everConnected;
    private long _evictionSequence;
    private long _unavailableSince = Environment.TickCount64;
    private long _missedWrites;

    public RedisCacheLayer(CacheOptions options, LocalCacheLayer local, CacheMetrics metrics, ILogger<RedisCacheLayer> logger)
    {
        _options = options;
        _local = local;
        _metrics = metrics;
        _logger = logger;
        _prefix = options.KeyPrefix;
        _evictions = RedisChannel.Literal(_prefix + "evict");
        _acks = RedisChannel.Literal(_prefix + "ack:" + _nodeId);
        _epoch = _prefix + "epoch";
        _supervisor = Task.Run(SuperviseAsync);
    }

    /// <summary>Whether the shared layer (and this node's memory, which depends on its evictions) may be used now.</summary>
    public bool Available => _available;

    public string State => _available ? "connected" : _everConnected ? "unreachable" : "connecting";

    public async Task<SharedRead> ReadAsync(string key)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(RedisScripts.Read, KeysOf(key)))!;
        var generation = (string)result[0]!;
        var epoch = (string)result[1]!;
        return (string)result[2]! switch
        {
            "m" => new SharedRead(generation, epoch, WriteInProgress: true, Hit: false, 0, null),
            "h" => new SharedRead(generation, epoch, false, Hit: true,
                long.Parse((string)result[3]!, CultureInfo.InvariantCulture), (byte[])result[4]!),
            _ => new SharedRead(generation, epoch, false, Hit: false, 0, null),
        };
    }

    /// <summary>Stores what a reader loaded, if nothing was written since <paramref name="read"/>. True if stored.</summary>
    public async Task<bool> FillAsync(string key, SharedRead read, long version, byte[] data, TimeSpan timeToLive)
    {
        var stored = await Database.ScriptEvaluateAsync(RedisScripts.Fill, KeysOf(key),
            [read.Generation, read.Epoch, version, data, (long)timeToLive.TotalMilliseconds]);
        return (long)stored == 1;
    }

    /// <summary>Before a commit: readers stay away from the keys, and every other node has dropped its copies.</summary>
    public async Task BeginAsync(IReadOnlyCollection<string> keys)
    {
        var redisKeys = keys.SelectMany(k => new RedisKey[] { _prefix + "g:" + k, _prefix + "m:" + k }).ToArray();
        await Database.ScriptEvaluateAsync(RedisScripts.Begin, redisKeys,
            [_options.WriteMarkerSeconds * 1000L, (long)GenerationLifetime.TotalMilliseconds]);
        await BroadcastEvictionAsync(string.Join('\n', keys));
    }

    /// <summary>After the commit: the new values, or invalidations where the value is not at hand.</summary>
    public Task CompleteAsync(IEnumerable<SharedUpdate> updates, TimeSpan timeToLive, bool begun) =>
        // One script per key, all sent at once (the connection pipelines them): keys are independent of each other.
        Task.WhenAll(updates.Select(update => Database.ScriptEvaluateAsync(RedisScripts.Complete, KeysOf(update.Key),
        [
            update.Invalidate ? "i" : "p", update.Version, update.Data,
            (long)timeToLive.TotalMilliseconds, (long)GenerationLifetime.TotalMilliseconds, begun ? "1" : "0",
        ])));

    /// <summary>Something failed on the way to Redis: stop using it (and this node's memory) until it answers again.</summary>
    public void MarkUnavailable(Exception error)
    {
        _metrics.Error();
        if (_available)
        {
            Volatile.Write(ref _unavailableSince, Environment.TickCount64);
            _available = false;
            LogUnavailable(_logger, error.GetType().Name);
        }
    }

    /// <summary>
    /// A writer that cannot reach Redis cannot tell the other nodes to drop their copies. They notice the outage on
    /// their own (their connections drop within milliseconds) and stop serving from memory; a write in the first
    /// moments of an outage waits until they must have, so that it is never acknowledged while one of them could still
    /// serve the value it replaces.
    /// </summary>
    public Task WaitForOthersToNoticeAsync(CancellationToken cancellationToken)
    {
        var remaining = Volatile.Read(ref _unavailableSince) + _options.EvictionAckMilliseconds - Environment.TickCount64;
        return remaining > 0 ? Task.Delay(TimeSpan.FromMilliseconds(remaining), cancellationToken) : Task.CompletedTask;
    }

    /// <summary>
    /// Whether a failure of a shared-cache call is to be absorbed (the database answers instead). Everything but a
    /// cancellation: a cache must never fail an operation, and whatever it was is counted and logged by type.
    /// </summary>
    public static bool IsRedisFailure(Exception error) => error is not OperationCanceledException;

    /// <summary>
    /// The same for a call made on behalf of a caller holding <paramref name="caller"/>. StackExchange.Redis takes no
    /// cancellation token, so a cancellation it throws is its own: a command abandoned when the connection dropped.
    /// That is Redis failing, and the record must come from the database instead; only the caller's own cancellation
    /// goes on up.
    /// </summary>
    public static bool IsRedisFailure(Exception error, CancellationToken caller) =>
        error is not OperationCanceledException || !caller.IsCancellationRequested;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _supervisor;
        }
        catch (OperationCanceledException)
        {
        }

        if (_connection is not null)
        {
            await _connection.CloseAsync();
            _connection.Dispose();
        }

        _stopping.Dispose();
    }

    private IDatabase Database => (_connection ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Not connected yet.")).GetDatabase();

    private RedisKey[] KeysOf(string key) => [_prefix + "v:" + key, _prefix + "g:" + key, _prefix + "m:" + key, _epoch];

    /// <summary>Connects, and brings the layer back after every outage.</summary>
    private async Task SuperviseAsync()
    {
        var configuration = ConfigurationOptions.Parse(_options.Redis!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = 2000;
        configuration.AsyncTimeout = 2000;
        configuration.SyncTimeout = 2000;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        configuration.ClientName ??= "medicalportal";

        using var timer = new PeriodicTimer(RecoveryInterval);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                if (_connection is null)
                {
                    _connection = await ConnectionMultiplexer.ConnectAsync(configuration);
                    _connection.ConnectionFailed += (_, e) => MarkUnavailable(e.Exception ?? new RedisConnectionException(e.FailureType, "Connection lost."));
                    await _connection.GetSubscriber().SubscribeAsync(_evictions, OnEviction);
                    await _connection.GetSubscriber().SubscribeAsync(_acks, OnAck);
                }

                if (!_available && _connection.IsConnected && _connection.GetSubscriber().IsConnected(_evictions))
                {
                    await RecoverAsync();
                }
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                _available = false;
            }

            await timer.WaitForNextTickAsync(_stopping.Token);
        }
    }

    /// <summary>
    /// Back after an outage (or connected for the first time): this node may have missed evictions, so its memory goes.
    /// If it was connected before, or committed writes that could not reach Redis, the epoch moves on, which retires
    /// every value stored before now, and every node is told to clear its memory. A write that missed Redis while this
    /// ran sends the node round again, so that the epoch always moves after such a write's commit.
    /// </summary>
    private async Task RecoverAsync()
    {
        await Database.PingAsync();
        var missed = Interlocked.Read(ref _missedWrites);
        if (_everConnected || missed > 0)
        {
            await Database.StringIncrementAsync(_epoch);
            await BroadcastEvictionAsync("*");
        }

        _local.Clear();
        _everConnected = true;
        _available = true;
        if (Interlocked.Read(ref _missedWrites) != missed)
        {
            _available = false;
            return;
        }

        LogAvailable(_logger);
    }

    /// <summary>A committed write could not be handed to Redis: the epoch must move before Redis is used again.</summary>
    public void RecordMissedWrite() => Interlocked.Increment(ref _missedWrites);

    /// <summary>Tells every other node to drop its copies of <paramref name="keys"/>, and waits for them to confirm.</summary>
    public Task EvictEverywhereAsync(IReadOnlyCollection<string> keys) => BroadcastEvictionAsync(string.Join('\n', keys));

    private async Task BroadcastEvictionAsync(string payload)
    {
        var id = $"{_nodeId}:{Interlocked.Increment(ref _evictionSequence).ToString(CultureInfo.InvariantCulture)}";
        var pending = new PendingEviction();
        _pending[id] = pending;
        try
        {
            // Everyone subscribed receives it, this node included: the others are the ones to wait for.
            var receivers = await _connection!.GetSubscriber().PublishAsync(_evictions, $"{id}\n{_nodeId}\n{payload}");
            if (receivers > 1 && !await pending.WaitAsync((int)receivers - 1, TimeSpan.FromMilliseconds(_options.EvictionAckMilliseconds)))
            {
                _metrics.Error();
                LogEvictionUnconfirmed(_logger, receivers - 1, _options.EvictionAckMilliseconds);
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private void OnEviction(RedisChannel channel, RedisValue message)
    {
        var parts = ((string)message!).Split('\n');
        if (parts.Length < 3 || parts[1] == _nodeId)
        {
            return;
        }

        if (parts[2] == "*")
        {
            _local.Clear();
        }
        else
        {
            foreach (var key in parts.AsSpan(2))
            {
                _local.Evict(key);
            }
        }

        var sender = parts[1];
        _connection?.GetSubscriber().Publish(RedisChannel.Literal(_prefix + "ack:" + sender), parts[0], CommandFlags.FireAndForget);
    }

    private void OnAck(RedisChannel channel, RedisValue message)
    {
        if (_pending.TryGetValue((string)message!, out var pending))
        {
            pending.Confirm();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared cache is unavailable ({Error}): reads go to the databases until Redis answers again.")]
    private static partial void LogUnavailable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "The shared cache is available.")]
    private static partial void LogAvailable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Of {Nodes} other nodes, not all confirmed an eviction within {Milliseconds} ms.")]
    private static partial void LogEvictionUnconfirmed(ILogger logger, long nodes, int milliseconds);

    /// <summary>Confirmations from the other nodes for one eviction.</summary>
    private sealed class PendingEviction
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _confirmed;
        private int _expected = int.MaxValue;

        public void Confirm()
        {
            if (Interlocked.Increment(ref _confirmed) >= Volatile.Read(ref _expected))
            {
                _all.TrySetResult();
            }
        }

        public async Task<bool> WaitAsync(int expected, TimeSpan timeout)
        {
            Volatile.Write(ref _expected, expected);
            if (Volatile.Read(ref _confirmed) >= expected)
            {
                return true;
            }

            return await Task.WhenAny(_all.Task, Task.Delay(timeout)) == _all.Task;
        }
    }
}
