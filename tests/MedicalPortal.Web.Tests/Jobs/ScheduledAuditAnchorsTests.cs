using MedicalPortal.Core.Audit;
using MedicalPortal.Web.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Web.Tests.Jobs;

/// <summary>
/// The cron loop of the audit checkpoints, on a fake clock. What a pass writes (lease, files) is tested on real
/// databases in the data tests; here a counting stand-in shows when passes happen.
/// </summary>
public sealed class ScheduledAuditAnchorsTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task ExecuteAsync_Hourly_OnePassAtEachFullHourAndNoneBetween()
    {
        // Arrange
        var clock = new FakeTimeProvider(Start);
        var anchors = new CountingAnchors("0 * * * *") { Clock = clock };
        using var job = new ScheduledAuditAnchors(anchors, clock, NullLogger<ScheduledAuditAnchors>.Instance);

        // Act
        await job.StartAsync(default);
        for (var i = 0; i < 10_000 && anchors.Passes < 2; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(5));
            await anchors.WaitForPassAsync(2, TimeSpan.FromMilliseconds(20));
        }

        await job.StopAsync(default);

        // Assert: each pass ran once its hour had come and before the next one (the clock is read when the pass runs,
        // which on a busy machine may be a step after the hour, as in the extraction's loop).
        Assert.Collection(
            anchors.RanAt,
            first => Assert.InRange(first, At(13), At(14).AddTicks(-1)),
            second => Assert.InRange(second, At(14), At(15).AddTicks(-1)));
    }

    [Fact]
    public async Task ExecuteAsync_NoSchedule_NeverRuns()
    {
        // Arrange
        var clock = new FakeTimeProvider(Start);
        var anchors = new CountingAnchors(schedule: null);
        using var job = new ScheduledAuditAnchors(anchors, clock, NullLogger<ScheduledAuditAnchors>.Instance);

        // Act: the job ends by itself; time passing changes nothing.
        await job.StartAsync(default);
        await job.ExecuteTask!;
        clock.Advance(TimeSpan.FromDays(2));
        await job.StopAsync(default);

        // Assert
        Assert.Equal(0, anchors.Passes);
    }

    private static DateTimeOffset At(int hour) => new(2026, 6, 1, hour, 0, 0, TimeSpan.Zero);

    private sealed class CountingAnchors(string? schedule) : IAuditAnchors
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset> _ranAt = new();
        private int _passes;

        public TimeProvider? Clock { get; init; }

        public IReadOnlyList<DateTimeOffset> RanAt => [.. _ranAt];

        public int Passes => Volatile.Read(ref _passes);

        public string? Schedule => schedule;

        public Task<bool> WriteScheduledAsync(CancellationToken cancellationToken)
        {
            if (Clock is not null)
            {
                _ranAt.Enqueue(Clock.GetUtcNow());
            }

            Interlocked.Increment(ref _passes);
            return Task.FromResult(true);
        }

        public Task<IReadOnlyList<AuditAnchor>> WriteVerifiedAsync(IReadOnlyList<ChainVerification> verified, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The schedule never writes checkpoints of a verification.");

        public async Task WaitForPassAsync(int passes, TimeSpan atMost)
        {
            var until = DateTime.UtcNow + atMost;
            while (Passes < passes && DateTime.UtcNow < until)
            {
                await Task.Delay(1);
            }
        }
    }
}
