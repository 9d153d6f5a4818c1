using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// On a node that started while a shard was down: tries that shard again every few seconds, and once it answers,
/// applies its migrations and lets it serve (<see cref="IDatabaseInitializer.MigrateWaitingShardsAsync"/>).
/// </summary>
internal sealed partial class WaitingShardsService(
    IDatabaseInitializer initializer, ShardContextFactory shards, TimeProvider clock, ILogger<WaitingShardsService> logger)
    : BackgroundService
{
    /// <summary>How long a waiting shard goes untried: its patients stay unavailable at most this much longer than it.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (shards.Waiting.Count > 0 && await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await initializer.MigrateWaitingShardsAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A migration that fails for another reason than a shard not answering: the shard keeps waiting, the
                // node keeps serving the others, and the operator has the error (the migrate command shows it too).
                LogMigrationFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Migrating a shard that was down failed; it keeps waiting.")]
    private static partial void LogMigrationFailed(ILogger logger, Exception exception);
}
