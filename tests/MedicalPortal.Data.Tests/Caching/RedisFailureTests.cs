using MedicalPortal.Data.Caching;

namespace MedicalPortal.Data.Tests.Caching;

/// <summary>
/// Which exceptions from a Redis call mean "Redis failed, read the database instead". A Redis call that dies with
/// the connection ends in StackExchange.Redis cancelling its task. A reader must get the record from the database
/// then, not a TaskCanceledException; this was seen once in PatientStoreOnRedisTests' kill-mid-run test.
/// </summary>
public sealed class RedisFailureTests
{
    [Fact]
    public void IsRedisFailure_CancelledByTheClientWhileTheCallerWaits_IsAFailureToFallBackFrom()
    {
        Assert.True(RedisCacheLayer.IsRedisFailure(new TaskCanceledException(), CancellationToken.None));
        Assert.True(RedisCacheLayer.IsRedisFailure(new OperationCanceledException(), new CancellationToken(canceled: false)));
    }

    [Fact]
    public void IsRedisFailure_TheCallerCancelled_GoesOnUpAsTheCallersCancellation()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(RedisCacheLayer.IsRedisFailure(new TaskCanceledException(), cancelled.Token));
    }

    [Fact]
    public void IsRedisFailure_ConnectionAndTimeoutErrors_AreFailures()
    {
        Assert.True(RedisCacheLayer.IsRedisFailure(
            new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.SocketClosed, "closed"),
            CancellationToken.None));
        Assert.True(RedisCacheLayer.IsRedisFailure(new StackExchange.Redis.RedisTimeoutException("timeout", StackExchange.Redis.CommandStatus.Sent), CancellationToken.None));
    }
}
