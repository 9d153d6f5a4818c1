using System.CommandLine;
using System.Globalization;
using MedicalPortal.Core.Administration;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data;

namespace MedicalPortal.Web.Cli;

/// <summary>
/// <c>shards list</c>: one line per shard the installation knows (configured, then registered in the order added): its
/// name, its bucket ranges in the shard map (<c>none</c> until it is given some), how many patients it holds, and
/// whether it answers. A shard that does not answer gets its line too, its patients unknown: this is a report, and it
/// exits 0. Nothing of a patient is shown but the counts.
/// </summary>
internal sealed class ShardsListCommand()
    : OperatorCommand("list", "One line per shard: name, bucket ranges, patients, reachable or not.")
{
    private static readonly string[] Header = ["SHARD", "BUCKETS", "PATIENTS", "REACHABLE"];

    public override async Task<int> RunAsync(ParseResult parseResult, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);

        // As a node starts: a shard that does not answer waits, and is reported, rather than stopping the command.
        await services.GetRequiredService<IDatabaseInitializer>().InitializeServingAsync(cancellationToken);
        var ranges = services.GetRequiredService<IShardMap>().Ranges;
        var status = await services.GetRequiredService<ISystemStatusSource>().ReadAsync(cancellationToken);

        List<string[]> rows = [Header, .. status.Shards.Select(shard => Row(shard, ranges))];
        var widths = Enumerable.Range(0, Header.Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        var output = parseResult.InvocationConfiguration.Output;
        foreach (var row in rows)
        {
            // Counts align right, words left; two spaces between columns, none after the last.
            await output.WriteLineAsync(string.Join("  ",
                row[0].PadRight(widths[0]), row[1].PadRight(widths[1]), row[2].PadLeft(widths[2]), row[3]));
        }

        return 0;
    }

    private static string[] Row(ShardStatus shard, IReadOnlyList<BucketRange> ranges) =>
    [
        shard.Name,
        BucketsOf(shard.Name, ranges),
        shard.Patients?.ToString("N0", CultureInfo.InvariantCulture) ?? "unknown",
        shard.Reachable ? "yes" : "no",
    ];

    /// <summary>The shard's ranges as <c>FIRST-LAST</c>, comma-separated, ranges that touch joined into one; <c>none</c> if it has none.</summary>
    private static string BucketsOf(string shard, IReadOnlyList<BucketRange> ranges)
    {
        var merged = new List<(int First, int Last)>();
        foreach (var range in ranges.Where(r => string.Equals(r.Shard, shard, StringComparison.OrdinalIgnoreCase)).OrderBy(r => r.First))
        {
            if (merged.Count > 0 && merged[^1].Last + 1 == range.First)
            {
                merged[^1] = (merged[^1].First, range.Last);
            }
            else
            {
                merged.Add((range.First, range.Last));
            }
        }

        return merged.Count == 0
            ? "none"
            : string.Join(',', merged.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.First}-{r.Last}")));
    }
}
