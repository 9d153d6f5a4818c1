using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MedicalPortal.Benchmarks.Macro;

/// <summary>One wrk run's figures.</summary>
internal sealed record LoadResult(double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, long Requests, long Errors);

/// <summary>Runs wrk on 127.0.0.1 with one of the Lua workloads in Scripts/.</summary>
internal sealed class Wrk(string scripts, TimeSpan duration, int connections)
{
    public async Task<LoadResult> RunAsync(string baseUrl, string script, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--timeout", "10s",
                     "-s", Path.Combine(scripts, script), baseUrl,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["BENCH_SCRIPTS"] = scripts;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("BENCH-RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk gave no result for {script}: {output} {errors}");
        var json = JsonDocument.Parse(line["BENCH-RESULT ".Length..]).RootElement;
        var requests = json.GetProperty("requests").GetInt64();
        var seconds = json.GetProperty("durationMicroseconds").GetInt64() / 1e6;
        return new LoadResult(
            requests / seconds,
            json.GetProperty("p50Microseconds").GetInt64() / 1000.0,
            json.GetProperty("p99Microseconds").GetInt64() / 1000.0,
            requests,
            json.GetProperty("errors").GetInt64());
    }
}

/// <summary>Figures formatted the same way everywhere in the report.</summary>
internal static class Figures
{
    public static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture);

    public static string Ms(double milliseconds) => milliseconds.ToString(milliseconds < 10 ? "N2" : "N1", CultureInfo.InvariantCulture);

    public static string Ratio(double ratio) => ratio.ToString("N2", CultureInfo.InvariantCulture) + "x";

    public static string MiB(long bytes) => (bytes / 1024.0 / 1024.0).ToString("N1", CultureInfo.InvariantCulture) + " MiB";

    public static string KiB(double bytes) => (bytes / 1024.0).ToString("N0", CultureInfo.InvariantCulture) + " KB";

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
