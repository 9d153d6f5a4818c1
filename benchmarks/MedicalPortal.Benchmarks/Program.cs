using BenchmarkDotNet.Running;
using MedicalPortal.Benchmarks.Macro;
using MedicalPortal.Benchmarks.Micro;

// benchmarks/run.sh calls this with the published portal's folder; see that script for the one-command way.
//   macro --portal DIR [--quick] [--data DIR] [--report FILE]   the table of issue 7, into docs/PERFORMANCE.md
//   micro [BenchmarkDotNet arguments]                           the hot paths, one at a time
//   circuits --url URL [--pages N] [--hold SECONDS]             open N patient-list circuits and keep them (for gcdump)
if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(HotPaths).Assembly).Run(args[1..]);
    return 0;
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
if (args.Length > 0 && args[0] == "circuits")
{
    await Circuits.HoldAsync(
        Option("--url") ?? throw new ArgumentException("--url URL (a running portal) is required."),
        int.Parse(Option("--pages") ?? "20", System.Globalization.CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(int.Parse(Option("--hold") ?? "120", System.Globalization.CultureInfo.InvariantCulture)));
    return 0;
}

if (args.Length == 0 || args[0] != "macro")
{
    Console.Error.WriteLine("Usage: macro --portal DIR [--quick] [--data DIR] [--report FILE] | micro [BenchmarkDotNet arguments] | circuits --url URL [--pages N] [--hold SECONDS]");
    return 2;
}

var quick = args.Contains("--quick");
var root = Directory.GetCurrentDirectory();
var options = new SuiteOptions(
    Quick: quick,
    Patients: quick ? 10_000 : 100_000,
    VisitsPerPatient: 10,
    Duration: TimeSpan.FromSeconds(quick ? 5 : 10),
    Rounds: 3,
    Connections: 32,
    Circuits: 20,
    Portal: Path.GetFullPath(Option("--portal") ?? throw new ArgumentException("--portal DIR (the published portal) is required.")),
    Scripts: Path.Combine(AppContext.BaseDirectory, "Scripts"),
    DataRoot: Path.GetFullPath(Option("--data") ?? Path.Combine(root, "benchmarks", ".data", quick ? "quick" : "full")),
    ReportFile: Path.GetFullPath(Option("--report") ?? Path.Combine(root, "docs", "PERFORMANCE.md")));
return await new Suite(options).RunAsync();
