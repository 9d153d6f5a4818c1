using BenchmarkDotNet.Running;
using MedicalPortal.Benchmarks.Macro;
using MedicalPortal.Benchmarks.Micro;

// benchmarks/run.sh calls this with the published portal's folder; see that script for the one-command way.
//   macro --portal DIR [--quick] [--provider sqlite|postgres --postgres SERVERS] [--data DIR] [--report FILE]
//                                                               the table of issue 7, into docs/PERFORMANCE.md; SERVERS:
//                                                               5 PostgreSQL connection strings, comma-separated, the
//                                                               catalog's cluster first, then one per shard of the 4
//   micro [BenchmarkDotNet arguments]                           the hot paths, one at a time
//   circuits --url URL [--pages N] [--hold SECONDS]             open N patient-list circuits and keep them (for gcdump)
//   circuits --url URL --pid PID [--pages N]                    the suite's circuit figure alone, on a running portal
//   access-log --data DIR [--readers N] [--seconds S]           the read audit alone, in process, on a seeded SQLite data set
//   write-path --data DIR [--writers N] [--rounds N] [--seconds S]
//                                                               VisitService against EF alone, in process, on the same
//                                                               kind of copy (8 writers unless named)
//   write-path --postgres SERVERS --portal DIR [...]            the same on PostgreSQL: a catalog and 2 shards on the
//                                                               3 clusters named (the catalog's first), seeded once there
//                                                               by the published portal in DIR
//   compare --before DIR --after DIR [--workloads W,W] [--rounds N] [--seconds S] [--data DIR] [--report FILE]
//                                                               two published builds alternated on the quick data set;
//                                                               W: cached, cached-unaudited, uncached, search, search-unaudited, visit, mixed
if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(HotPaths).Assembly).Run(args[1..]);
    return 0;
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
if (args.Length > 0 && args[0] == "circuits" && Option("--pid") is { } pid)
{
    // The suite's circuit figure alone, against a portal started by hand (its process id, for its memory).
    var invariant = System.Globalization.CultureInfo.InvariantCulture;
    var pages = int.Parse(Option("--pages") ?? "20", invariant);
    var memory = await Circuits.MeasureAsync(
        Option("--url") ?? throw new ArgumentException("--url URL (a running portal) is required."), int.Parse(pid, invariant), pages);
    Console.WriteLine(System.FormattableString.Invariant(
        $"{pages} circuits: {memory.ResidentBytesPerCircuit / 1024:N0} KB resident ({memory.ResidentBefore / 1048576.0:N1} -> {memory.ResidentAfter / 1048576.0:N1} MiB), {memory.HeapBytesPerCircuit / 1024:N0} KB of managed heap after a full collection, per circuit"));
    return 0;
}

if (args.Length > 0 && args[0] == "circuits")
{
    await Circuits.HoldAsync(
        Option("--url") ?? throw new ArgumentException("--url URL (a running portal) is required."),
        int.Parse(Option("--pages") ?? "20", System.Globalization.CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(int.Parse(Option("--hold") ?? "120", System.Globalization.CultureInfo.InvariantCulture)));
    return 0;
}

if (args.Length > 0 && args[0] == "access-log")
{
    // For profiling the read audit's writer without HTTP around it (docs/PERFORMANCE.md, finding 1). It adds audit
    // entries to the data set: point it at a copy (cp -r benchmarks/.data/quick/shards-2 /tmp/shards-2).
    var (data, ids) = SeededCopy();
    await using var process = await InProcess.OpenAsync(data);
    var readers = int.Parse(Option("--readers") ?? "32", System.Globalization.CultureInfo.InvariantCulture);
    var seconds = TimeSpan.FromSeconds(int.Parse(Option("--seconds") ?? "10", System.Globalization.CultureInfo.InvariantCulture));
    await process.RecordReadsAsync(ids, TimeSpan.FromSeconds(5), readers); // warm-up: past tiered compilation
    var self = System.Diagnostics.Process.GetCurrentProcess();
    var (user, kernel) = (self.UserProcessorTime, self.PrivilegedProcessorTime);
    var result = await process.RecordReadsAsync(ids, seconds, readers);
    self.Refresh();
    (user, kernel) = (self.UserProcessorTime - user, self.PrivilegedProcessorTime - kernel);
    Console.WriteLine(System.FormattableString.Invariant(
        $"{result.RequestsPerSecond:N0} reads recorded/s, p50 {result.P50Milliseconds:N2} ms, p99 {result.P99Milliseconds:N2} ms; CPU per read {user.TotalMicroseconds / result.Requests:N1} µs user + {kernel.TotalMicroseconds / result.Requests:N1} µs kernel ({readers} readers)"));
    return 0;
}

if (args.Length > 0 && args[0] == "write-path")
{
    // The suite's write-path figure alone, for profiling it (attach dotnet-trace or perf to this process): visits
    // recorded through VisitService and through EF alone, alternated. It adds visits: point it at a copy, or at
    // PostgreSQL clusters kept for benchmarks, where each statement of a write is a round trip to a server.
    var (data, ids) = Option("--postgres") is { } servers ? await PostgresWritePathDataAsync(servers) : SeededCopy();
    await using var process = await InProcess.OpenAsync(data);
    var invariant = System.Globalization.CultureInfo.InvariantCulture;
    var seconds = TimeSpan.FromSeconds(int.Parse(Option("--seconds") ?? "5", invariant));
    var writers = int.Parse(Option("--writers") ?? "8", invariant);
    await process.RecordVisitsAsync(ids, efOnly: false, TimeSpan.FromSeconds(3), writers); // warm-up
    await process.RecordVisitsAsync(ids, efOnly: true, TimeSpan.FromSeconds(3), writers);
    var ratios = new List<double>();
    for (var round = 0; round < int.Parse(Option("--rounds") ?? "3", invariant); round++)
    {
        var (ef, efCpu) = await WithCpuAsync(() => process.RecordVisitsAsync(ids, efOnly: true, seconds, writers));
        var (service, serviceCpu) = await WithCpuAsync(() => process.RecordVisitsAsync(ids, efOnly: false, seconds, writers));
        ratios.Add(service.RequestsPerSecond / ef.RequestsPerSecond);
        Console.WriteLine(System.FormattableString.Invariant(
            $"EF alone {ef.RequestsPerSecond:N0}/s (p99 {ef.P99Milliseconds:N1} ms, {efCpu.TotalMicroseconds / ef.Requests:N0} µs CPU each), whole write path {service.RequestsPerSecond:N0}/s (p99 {service.P99Milliseconds:N1} ms, {serviceCpu.TotalMicroseconds / service.Requests:N0} µs CPU each): {ratios[^1]:N2}x"));
    }

    Console.WriteLine(System.FormattableString.Invariant($"median {Figures.Median(ratios):N2}x of EF alone"));
    return 0;
}

if (args.Length > 0 && args[0] == "compare")
{
    // Two published builds on the quick SQLite data set (2 shards), alternated round by round: the before and after of
    // one change, measured in the same run.
    var invariant = System.Globalization.CultureInfo.InvariantCulture;
    var patients = int.Parse(Option("--patients") ?? "10000", invariant);
    return await new Comparison(new ComparisonOptions(
        Before: Path.GetFullPath(Option("--before") ?? throw new ArgumentException("--before DIR (a published portal) is required.")),
        After: Path.GetFullPath(Option("--after") ?? throw new ArgumentException("--after DIR (a published portal) is required.")),
        Workloads: (Option("--workloads") ?? "cached,cached-unaudited,search").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        Data: new SqliteDataSet(Path.GetFullPath(Option("--data") ?? Path.Combine(Directory.GetCurrentDirectory(), "benchmarks", ".data", "quick")), 2),
        Patients: patients,
        Duration: TimeSpan.FromSeconds(int.Parse(Option("--seconds") ?? "5", invariant)),
        Rounds: int.Parse(Option("--rounds") ?? "4", invariant),
        Connections: 32,
        Scripts: Path.Combine(AppContext.BaseDirectory, "Scripts"),
        ReportFile: Option("--report"))).RunAsync();
}

if (args.Length == 0 || args[0] != "macro")
{
    Console.Error.WriteLine("Usage: macro --portal DIR [--quick] [--provider sqlite|postgres --postgres SERVERS] [--data DIR] [--report FILE] | micro [BenchmarkDotNet arguments] | circuits --url URL [--pages N] [--hold SECONDS | --pid PID] | access-log --data DIR [--readers N] [--seconds S] | write-path (--data DIR | --postgres SERVERS --portal DIR) [--writers N] [--rounds N] [--seconds S] | compare --before DIR --after DIR [--workloads W,W] [--rounds N] [--seconds S]");
    return 2;
}

var quick = args.Contains("--quick");
var root = Directory.GetCurrentDirectory();
var size = quick ? "quick" : "full";
var provider = Option("--provider") ?? "sqlite";
Func<string, int, DataSet> dataSet = provider switch
{
    "sqlite" => (dataRoot, shards) => new SqliteDataSet(dataRoot, shards),
    "postgres" => (dataRoot, shards) => new PostgresDataSet(dataRoot, shards,
        (Option("--postgres") ?? throw new ArgumentException("--provider postgres needs --postgres SERVERS (benchmarks/run.sh starts them).")).Split(','),
        size),
    var other => throw new ArgumentException($"--provider is sqlite or postgres, not '{other}'."),
};
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
    DataRoot: Path.GetFullPath(Option("--data") ?? (provider == "postgres"
        ? Path.Combine(root, "benchmarks", ".data", "postgres", size)
        : Path.Combine(root, "benchmarks", ".data", size))),
    DataSet: dataSet,
    ReportFile: Path.GetFullPath(Option("--report") ?? Path.Combine(root, "docs", "PERFORMANCE.md")));
return await new Suite(options).RunAsync();

// What an operation's run took of the process's CPU (user and kernel), beside its result.
static async Task<(LoadResult Result, TimeSpan Cpu)> WithCpuAsync(Func<Task<LoadResult>> run)
{
    var self = System.Diagnostics.Process.GetCurrentProcess();
    var before = self.TotalProcessorTime;
    var result = await run();
    self.Refresh();
    return (result, self.TotalProcessorTime - before);
}

// --postgres SERVERS --portal DIR: a data set of 2 shards on those clusters, seeded once, and its patients' ids.
async Task<(DataSet Data, List<string> Ids)> PostgresWritePathDataAsync(string servers)
{
    var portal = Path.GetFullPath(Option("--portal") ?? throw new ArgumentException("--postgres needs --portal DIR (a published portal, to seed the data set)."));
    var data = new PostgresDataSet(Path.Combine(Path.GetTempPath(), "medicalportal-write-path"), 2, servers.Split(','), "writepath");
    await data.EnsureSeededAsync(portal, patients: 2_000, visitsPerPatient: 2);
    return (data, await data.PatientIdsAsync());
}

// --data: a copy of a seeded SQLite data set (the suite's layout, shards-N), and its patients' ids.
(DataSet Data, List<string> Ids) SeededCopy()
{
    var folder = Path.GetFullPath(Option("--data") ?? throw new ArgumentException("--data DIR (a copy of a seeded data set, e.g. of benchmarks/.data/quick/shards-2) is required."));
    if (!int.TryParse(Path.GetFileName(folder).Replace("shards-", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture, out var shardCount))
    {
        throw new ArgumentException($"--data names a data set folder, shards-N (the suite's layout): '{folder}' is not one.");
    }

    var data = new SqliteDataSet(Path.GetDirectoryName(folder)!, shardCount);
    return (data, File.ReadAllLines(Path.Combine(data.Directory, "ids.txt")).Where(l => l.Length > 0).ToList());
}
