using MedicalPortal.Core.Export;
using MedicalPortal.Data.Export;
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
        var runner = new CountingRunner();
        using var job = Job("*/5 * * * *", clock, runner);

        // Act
        await job.StartAsync(default);
        await AdvanceUntilAsync(clock, runner, passes: 1, step: TimeSpan.FromSeconds(30));
        var firstPassAt = clock.GetUtcNow();
        await AdvanceUntilAsync(clock, runner, passes: 2, step: TimeSpan.FromSeconds(30));
        var secondPassAt = clock.GetUtcNow();
        await job.StopAsync(default);

        // Assert
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 12, 5, 0, TimeSpan.Zero), firstPassAt);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 12, 10, 0, TimeSpan.Zero), secondPassAt);
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

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("0 2 * * *", true)]
    [InlineData("*/15 * * * *", true)]
    [InlineData("every night", false)]
    [InlineData("0 2 * *", false)]
    [InlineData("61 * * * *", false)]
    public void IsValid_Schedule_FiveFieldCronOrEmpty(string? schedule, bool valid)
    {
        // Act + Assert
        Assert.Equal(valid, ScheduledExtraction.IsValid(schedule));
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

    private sealed class CountingRunner : IExtractionRunner
    {
        private int _passes;

        public bool FailFirst { get; init; }

        public int Passes => Volatile.Read(ref _passes);

        public Task<bool> RunAllAsync(CancellationToken cancellationToken)
        {
            var pass = Interlocked.Increment(ref _passes);
            return FailFirst && pass == 1 ? throw new IOException("Simulated failure.") : Task.FromResult(true);
        }

        public string PathOf(ExtractionRun run) => throw new NotSupportedException();

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
