using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Data.Sharding;

/// <summary>Asks the catalog for the shard map's version every second and loads the map again when it moved on.</summary>
internal sealed partial class ShardMapPoller(ShardRouting routing, ILogger<ShardMapPoller> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real time, not the portal's clock: this is how soon a node follows a move, not a time anything records.
        using var timer = new PeriodicTimer(Interval);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await routing.ReloadIfChangedAsync(stoppingToken);
                failing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The catalog does not answer: the node routes by the map it has (fences keep that safe), and says so
                // once rather than every second.
                if (!failing)
                {
                    LogPollFailed(logger, e);
                }

                failing = true;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shard map's version could not be read; this node routes by the map it has until it can.")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
