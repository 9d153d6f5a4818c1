using System.Security.Cryptography;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Tests.Infrastructure;
using MedicalPortal.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>
/// The audit settings a start needs: outside Development a folder for the checkpoints, and read auditing turned off
/// only with its acknowledgment; a schedule that is cron; and a warning at every start while read auditing is off.
/// </summary>
public abstract class AuditSettingsTests(TestProvider provider)
{
    /// <summary>Everything a start outside Development needs, so that only what a test leaves out or changes is refused.</summary>
    private static Dictionary<string, string?> Production() => new()
    {
        ["Audit:HmacKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["Export:PseudonymKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["Audit:AnchorDirectory"] = "audit-anchors",
        ["DataProtection:Certificate"] = TestCertificates.Shared,
    };

    [Fact]
    public async Task Start_OutsideDevelopmentWithoutAnAnchorDirectory_RefusesNamingTheSettingBeforeWritingAnything()
    {
        await using var databases = await TestDatabases.CreateAsync(provider, shardCount: 1);
        var settings = Production();
        settings.Remove("Audit:AnchorDirectory");

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ShardedDatabase.StartAsync(databases, environment: Environments.Production, settings: settings));

        Assert.Contains("Audit:AnchorDirectory is required outside Development", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await databases.WrittenAsync());
    }

    [Fact]
    public async Task Start_OutsideDevelopmentWithReadsOffUnacknowledged_RefusesNamingBothSettingsBeforeWritingAnything()
    {
        await using var databases = await TestDatabases.CreateAsync(provider, shardCount: 1);
        var settings = Production();
        settings["Audit:RecordReads"] = "false";

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ShardedDatabase.StartAsync(databases, environment: Environments.Production, settings: settings));

        Assert.Contains("Audit:RecordReads is false", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Audit:RecordReadsOffAcknowledged=true", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await databases.WrittenAsync());
    }

    [Fact]
    public async Task Start_OutsideDevelopmentWithReadsOffAndAcknowledged_StartsWithReadsOff()
    {
        var settings = Production();
        settings["Audit:RecordReads"] = "false";
        settings["Audit:RecordReadsOffAcknowledged"] = "true";

        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1, environment: Environments.Production, settings: settings);

        Assert.False(db.Get<IOptions<AuditOptions>>().Value.RecordReads);
    }

    [Fact]
    public async Task Start_InDevelopmentWithReadsOffAndNoAnchorDirectory_Starts()
    {
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1,
            settings: new Dictionary<string, string?> { ["Audit:RecordReads"] = "false" });

        Assert.Null(db.Get<IOptions<AuditOptions>>().Value.AnchorDirectory);
    }

    [Theory]
    [InlineData("every hour")]
    [InlineData("0 * * *")]
    [InlineData("61 * * * *")]
    public async Task Start_AnchorScheduleNotCron_RefusesNamingTheSetting(string schedule)
    {
        await using var databases = await TestDatabases.CreateAsync(provider, shardCount: 1);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ShardedDatabase.StartAsync(databases, settings: new Dictionary<string, string?> { ["Audit:AnchorSchedule"] = schedule }));

        Assert.Contains("Audit:AnchorSchedule must be a five-field cron expression", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task Start_ReadAuditing_IsWarnedAboutExactlyWhenItIsOff(bool recordReads, int warnings)
    {
        // Arrange
        var logged = new Warnings();
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1,
            configure: services => services.AddSingleton<ILoggerProvider>(logged),
            settings: new Dictionary<string, string?> { ["Audit:RecordReads"] = recordReads ? "true" : "false" });

        // Act: the portal starts its hosted services once the databases are ready.
        foreach (var service in db.Get<IEnumerable<IHostedService>>().OfType<ReadAuditWarning>())
        {
            await service.StartAsync(CancellationToken.None);
        }

        // Assert
        Assert.Equal(warnings, logged.Messages.Count(m => m.Contains("Audit:RecordReads is false", StringComparison.Ordinal)));
    }

    /// <summary>The warnings the portal's own code logs.</summary>
    private sealed class Warnings : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && category.StartsWith("MedicalPortal", StringComparison.Ordinal);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    messages.Enqueue(formatter(state, exception));
                }
            }
        }
    }

    public sealed class OnSqlite() : AuditSettingsTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : AuditSettingsTests(TestProvider.Postgres);
}
