using MedicalPortal.Data.Caching;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Caching;

public sealed class GuardedCacheTests
{
    private static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task GetOrLoadAsync_LoadStartedBeforeAnInvalidate_ReturnsItsValueButDoesNotStoreIt()
    {
        var cache = new GuardedCache<string, string>(_clock, TimeToLive);
        var slowLoad = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowReader = cache.GetOrLoadAsync("matrix", _ => slowLoad.Task, None);

        cache.Invalidate("matrix");
        slowLoad.SetResult("old");
        var slowValue = await slowReader;
        var next = await cache.GetOrLoadAsync("matrix", _ => Task.FromResult("new"), None);
        var cached = await cache.GetOrLoadAsync("matrix", _ => Task.FromResult("not loaded again"), None);

        Assert.Equal(("old", "new", "new"), (slowValue, next, cached));
    }

    [Fact]
    public async Task GetOrLoadAsync_SlowOldLoadFinishingAfterANewerOneWasStored_DoesNotOverwriteIt()
    {
        var cache = new GuardedCache<string, string>(_clock, TimeToLive);
        var slowLoad = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowReader = cache.GetOrLoadAsync("matrix", _ => slowLoad.Task, None);
        cache.Invalidate("matrix");
        var fresh = await cache.GetOrLoadAsync("matrix", _ => Task.FromResult("new"), None);

        slowLoad.SetResult("old");
        await slowReader;

        Assert.Equal("new", fresh);
        Assert.Equal("new", await cache.GetOrLoadAsync("matrix", _ => Task.FromResult("not loaded again"), None));
    }

    [Fact]
    public async Task GetOrLoadAsync_LoadWithoutInvalidate_IsStored()
    {
        var cache = new GuardedCache<string, string>(_clock, TimeToLive);
        var slowLoad = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowReader = cache.GetOrLoadAsync("matrix", _ => slowLoad.Task, None);

        slowLoad.SetResult("loaded");
        await slowReader;

        Assert.Equal("loaded", await cache.GetOrLoadAsync("matrix", _ => Task.FromResult("not loaded again"), None));
    }

    [Fact]
    public async Task Invalidate_StoredEntry_NextReadLoadsAgain()
    {
        var cache = new GuardedCache<string, int>(_clock, TimeToLive);
        await cache.GetOrLoadAsync("a", _ => Task.FromResult(1), None);

        cache.Invalidate("a");

        Assert.Equal(2, await cache.GetOrLoadAsync("a", _ => Task.FromResult(2), None));
    }

    [Fact]
    public async Task GetOrLoadAsync_TimeToLive_ServesTheEntryUntilItExpiresThenLoadsAgain()
    {
        var cache = new GuardedCache<string, int>(_clock, TimeToLive);
        var loads = 0;
        Task<int> Load(CancellationToken _) => Task.FromResult(++loads);
        await cache.GetOrLoadAsync("a", Load, None);

        _clock.Advance(TimeToLive - TimeSpan.FromTicks(1));
        var justBefore = await cache.GetOrLoadAsync("a", Load, None);
        _clock.Advance(TimeSpan.FromTicks(1));
        var atExpiry = await cache.GetOrLoadAsync("a", Load, None);
        var afterReload = await cache.GetOrLoadAsync("a", Load, None);

        Assert.Equal((1, 2, 2), (justBefore, atExpiry, afterReload));
    }

    [Fact]
    public async Task GetOrLoadAsync_NullValue_IsCachedLikeAnyOther()
    {
        // Account status caches null for "no such account"; that answer must not cost a database read each time.
        var cache = new GuardedCache<string, string?>(_clock, TimeToLive);
        var loads = 0;

        await cache.GetOrLoadAsync("gone", _ => { loads++; return Task.FromResult<string?>(null); }, None);
        var second = await cache.GetOrLoadAsync("gone", _ => { loads++; return Task.FromResult<string?>("loaded"); }, None);

        Assert.Equal((1, null), (loads, second));
    }

    [Fact]
    public async Task GetOrLoadAsync_LoaderFails_NothingIsStoredAndTheNextReadLoadsAgain()
    {
        var cache = new GuardedCache<string, int>(_clock, TimeToLive);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cache.GetOrLoadAsync("a", _ => Task.FromException<int>(new InvalidOperationException("database down")), None));

        Assert.Equal(7, await cache.GetOrLoadAsync("a", _ => Task.FromResult(7), None));
    }

    [Fact]
    public async Task GetOrLoadAsync_ManyConcurrentReadersAndInvalidations_EveryReaderGetsAValueOfItsKey()
    {
        var cache = new GuardedCache<int, string>(_clock, TimeToLive);
        var loads = 0;

        var readers = Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            var key = i % 8;
            if (i % 25 == 0)
            {
                cache.Invalidate(key);
            }

            var value = await cache.GetOrLoadAsync(key, async _ =>
            {
                Interlocked.Increment(ref loads);
                await Task.Yield();
                return $"value of {key}";
            }, None);
            return (key, value);
        }));
        var results = await Task.WhenAll(readers);

        Assert.All(results, r => Assert.Equal($"value of {r.key}", r.value));
        Assert.InRange(loads, 8, 400);
    }
}
