using System.Globalization;
using System.Text;

namespace MedicalPortal.Benchmarks.Macro;

/// <summary>
/// Two builds of the portal on the same seeded data set, alternated round by round (A B A B ...): each round starts
/// the build, measures the baseline ping and each chosen workload alternately, and stops it. The figure per build is the
/// median of its rounds' ratios to the ping of the same round, so that a before and an after taken on a shared, noisy
/// machine can be compared (issue 17: "every change has a before and after from the same run, builds alternated").
/// </summary>
internal sealed class Comparison(ComparisonOptions options)
{
    /// <summary>The workloads a comparison can name: a wrk script, what it reads, and the settings the portal runs with.</summary>
    private static readonly Dictionary<string, (string Name, string Script, string[] Inputs, Dictionary<string, string> Settings)> Workloads =
        new(StringComparer.Ordinal)
        {
            ["cached"] = ("Read a patient, cached (100 hot ids)", "patient.lua", ["hot"], []),
            ["cached-unaudited"] = ("Read a patient, cached, reads not audited", "patient.lua", ["hot"], new() { ["Audit__RecordReads"] = "false" }),
            ["uncached"] = ("Read a patient, uncached", "patient.lua", ["ids"], new() { ["Cache__LocalEntries"] = "100" }),
            ["search"] = ("Patient search, 20 results", "search.lua", ["terms"], []),
            ["search-unaudited"] = ("Patient search, 20 results, reads not audited", "search.lua", ["terms"], new() { ["Audit__RecordReads"] = "false" }),
            ["visit"] = ("Record a visit (HTTP)", "visit.lua", ["ids"], []),
            ["mixed"] = ("Mixed: 80% reads, 15% searches, 5% writes", "mixed.lua", ["ids", "terms"], []),
        };

    public async Task<int> RunAsync()
    {
        var unknown = options.Workloads.Where(w => !Workloads.ContainsKey(w)).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"Unknown workload(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Workloads.Keys)}.");
            return 2;
        }

        var data = options.Data;
        await data.EnsureSeededAsync(options.Before, options.Patients, 10);
        var ids = await data.PatientIdsAsync();
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ids"] = Suite.WriteLines(data, "ids.txt", ids),
            ["hot"] = Suite.WriteLines(data, "hot-ids.txt", ids.Take(100)),
            ["terms"] = Suite.WriteLines(data, "terms.txt", await data.SearchTermsAsync()),
        };
        data.ReleaseConnections();

        // Each build on a copy of its own, made now: a build's migrations may change the schema (drop an index, say),
        // and the other build must not then run on it. Both copies start from the same seeded state.
        var own = new Dictionary<string, DataSet>(StringComparer.Ordinal);
        foreach (var label in new[] { "before", "after" })
        {
            own[label] = data is SqliteDataSet sqlite
                ? sqlite.CopyTo(Path.Combine(Path.GetDirectoryName(data.Directory)!, $"compare-{label}"))
                : throw new NotSupportedException("A comparison runs on the SQLite data set.");
        }

        var wrk = new Wrk(options.Scripts, options.Duration, options.Connections);
        var builds = new[] { ("before", options.Before), ("after", options.After) };
        // ratios[build][workload]: one ratio to the same round's ping per round; rates likewise, for the table.
        var ratios = builds.ToDictionary(b => b.Item1, _ => options.Workloads.ToDictionary(w => w, _ => new List<double>()));
        var rates = builds.ToDictionary(b => b.Item1, _ => options.Workloads.ToDictionary(w => w, _ => new List<LoadResult>()));
        for (var round = 0; round < options.Rounds; round++)
        {
            // The order of the builds swaps every round, so neither is always measured on a machine warmed by the other.
            foreach (var (label, portalDirectory) in round % 2 == 0 ? builds : Enumerable.Reverse(builds))
            {
                foreach (var group in options.Workloads.GroupBy(w => SettingsKey(Workloads[w].Settings)))
                {
                    await using var portal = await PortalProcess.StartAsync(portalDirectory, own[label], Workloads[group.First()].Settings);
                    var token = await Suite.TokenAsync(portal);
                    foreach (var workload in group)
                    {
                        var (_, script, needs, _) = Workloads[workload];
                        var environment = needs.ToDictionary(n => n == "terms" ? "BENCH_TERMS" : "BENCH_IDS", n => inputs[n]);
                        environment["BENCH_TOKEN"] = token;
                        // Warm-up, not counted: the workload first, then the ping, so that the JIT's work on the workload's
                        // code (and anything else it left behind) is done before the ping is measured.
                        await wrk.RunAsync(portal.BaseUrl, script, environment);
                        await wrk.RunAsync(portal.BaseUrl, "ping.lua", environment);
                        var ping = await wrk.RunAsync(portal.BaseUrl, "ping.lua", environment);
                        var run = await wrk.RunAsync(portal.BaseUrl, script, environment);
                        ratios[label][workload].Add(run.RequestsPerSecond / ping.RequestsPerSecond);
                        rates[label][workload].Add(run);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  round {round + 1} {label,-6} {workload,-16} ping {Figures.Rate(ping.RequestsPerSecond)}/s, workload {Figures.Rate(run.RequestsPerSecond)}/s ({Figures.Ratio(ratios[label][workload][^1])}){(run.Errors > 0 ? $", {run.Errors} errors" : "")}"));
                    }
                }
            }
        }

        var table = new StringBuilder()
            .AppendLine("| Workload | before: req/s, p99 ms, of ping | after: req/s, p99 ms, of ping | after of before |")
            .AppendLine("|---|---:|---:|---:|");
        foreach (var workload in options.Workloads)
        {
            string Cell(string build)
            {
                var median = rates[build][workload].OrderBy(r => r.RequestsPerSecond).ElementAt(rates[build][workload].Count / 2);
                return $"{Figures.Rate(median.RequestsPerSecond)}, {Figures.Ms(median.P99Milliseconds)}, {Figures.Ratio(Figures.Median(ratios[build][workload]))}";
            }

            var change = Figures.Median(ratios["after"][workload]) / Figures.Median(ratios["before"][workload]);
            table.AppendLine(CultureInfo.InvariantCulture, $"| {Workloads[workload].Name} | {Cell("before")} | {Cell("after")} | {Figures.Ratio(change)} |");
        }

        Console.WriteLine();
        Console.WriteLine($"{options.Rounds} rounds of {options.Duration.TotalSeconds:N0} s, builds alternated; medians of each round's ratio to its own ping.");
        Console.WriteLine(table);
        if (options.ReportFile is { } report)
        {
            await File.WriteAllTextAsync(report, table.ToString());
        }

        return 0;
    }

    private static string SettingsKey(Dictionary<string, string> settings) =>
        string.Join(";", settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));
}

/// <summary>What <c>benchmarks/run.sh --compare</c> asked for.</summary>
internal sealed record ComparisonOptions(
    string Before, string After, IReadOnlyList<string> Workloads, DataSet Data, int Patients, TimeSpan Duration, int Rounds,
    int Connections, string Scripts, string? ReportFile);
