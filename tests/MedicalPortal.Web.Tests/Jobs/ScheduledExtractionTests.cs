using MedicalPortal.Core.Export;
using MedicalPortal.Web.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Web.Tests.Jobs;

/// <summary>
/// The cron loop of the scheduled extraction, on a fake clock. What a pass does (lease, windows, files) is the
/// runner's, tested on real databases in the data tests; here a counting runner shows when passes happen.
/// </summary>
public sealed class ScheduledExtractionTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 30, TimeSpan.Zero);

    [Fact]
    public async Task ExecuteAsync_EveryFiveMinutes_OnePassAtEachOccurrenceAndNoneBetween()
    {
        // Arrange
        var clock = new FakeTimeProvider(Start);
        var runner = new CountingRunner { Clock = clock };
        using var job = Job("*/5 * * * *", clock, runner);

        // Act
        await job.StartAsync(default);
        await AdvanceUntilAsync(clock, runner, passes: 2, step: TimeSpan.FromSeconds(30));
        await job.StopAsync(default);

        // Assert: each pass ran once its occurrence had come and before the next one. The clock is read when the pass
        // runs, which on a busy machine may be a step (30 s) after the occurrence: the job's continuation and this
        // loop's next step race, and the fake clock does not wait for the job.
        Assert.Collection(
            runner.RanAt,
            first => Assert.InRange(first, At(12, 5), At(12, 10).AddTicks(-1)),
            second => Assert.InRange(second, At(12, 10), At(12, 15).AddTicks(-1)));
    }

    [Fact]
    public async Task ExecuteAsync_PassFails_NextOccurrenceRunsAgain()
    {
        // Arrange
        var clock = new FakeTimeProvider(Start);
        var runner = new CountingRunner { FailFirst = true };
        using var job = Job("* * * * *", clock, runner);

        // Act
        await job.StartAsync(default);
        await AdvanceUntilAsync(clock, runner, passes: 2, step: TimeSpan.FromSeconds(30));
        await job.StopAsync(default);

        // Assert
        Assert.Equal(2, runner.Passes);
    }

    [Fact]
    public async Task ExecuteAsync_NoSchedule_NeverRuns()
    {
        // Arrange
        var clock = new FakeTimeProvider(Start);
        var runner = new CountingRunner();
        using var job = Job(null, clock, runner);

        // Act: the job ends by itself (awaiting it would throw had it failed); time passing changes nothing.
        await job.StartAsync(default);
        await job.ExecuteTask!;
        clock.Advance(TimeSpan.FromDays(2));
        await job.StopAsync(default);

        // Assert
        Assert.Equal(0, runner.Passes);
    }

    private static ScheduledExtraction Job(string? schedule, TimeProvider clock, IExtractionRunner runner) =>
        new(runner, Options.Create(new ExportOptions { Schedule = schedule }), clock, NullLogger<ScheduledExtraction>.Instance);

    /// <summary>Moves the clock in steps, letting the job react after each, until it has made that many passes.</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider clock, CountingRunner runner, int passes, TimeSpan step)
    {
        for (var i = 0; i < 10_000 && runner.Passes < passes; i++)
        {
            clock.Advance(step);
            await runner.WaitForPassAsync(passes, TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal(passes, runner.Passes);
    }

    private static DateTimeOffset At(int hour, int minute) => new(2026, 6, 1, hour, minute, 0, TimeSpan.Zero);

    private sealed class CountingRunner : IExtractionRunner
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset> _ranAt = new();
        private int _passes;

        /// <summary>The fake clock, read at the start of each pass (see <see cref="RanAt"/>).</summary>
        public TimeProvider? Clock { get; init; }

        /// <summary>The clock's time when each pass began, in order.</summary>
        public IReadOnlyList<DateTimeOffset> RanAt => [.. _ranAt];

        public bool FailFirst { get; init; }

        public int Passes => Volatile.Read(ref _passes);

        public Task<bool> RunAllAsync(CancellationToken cancellationToken)
        {
            if (Clock is not null)
            {
                _ranAt.Enqueue(Clock.GetUtcNow());
            }

            var pass = Interlocked.Increment(ref _passes);
            return FailFirst && pass == 1 ? throw new IOException("Simulated failure.") : Task.FromResult(true);
        }

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
