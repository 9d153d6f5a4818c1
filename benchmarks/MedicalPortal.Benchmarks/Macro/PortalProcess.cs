using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MedicalPortal.Benchmarks.Macro;

/// <summary>
/// The published portal as its own process on 127.0.0.1, on one data set, in Release. Development (for the demo
/// accounts the workloads sign in with) with logging at Warning, so that logging costs what it would in production.
/// </summary>
internal sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;

    private PortalProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public int Port { get; }

    public string BaseUrl { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts the portal and waits until <c>/health/ready</c> answers.</summary>
    public static async Task<PortalProcess> StartAsync(string portalDirectory, DataSet data, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var start = PortalCommand.StartInfo(portalDirectory, data, [$"--urls=http://127.0.0.1:{port}"], settings);
        var process = Process.Start(start) ?? throw new InvalidOperationException("The portal did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"  portal: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var portal = new PortalProcess(process, port);
        using var http = new HttpClient { BaseAddress = new Uri(portal.BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with code {process.ExitCode} while starting.");
            }

            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return portal;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        await portal.DisposeAsync();
        throw new TimeoutException("The portal did not become ready within 3 minutes.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Memory figures of a process from <c>/proc/PID/status</c> (kB there, bytes here).</summary>
internal static class ProcStatus
{
    /// <summary>A line of <c>/proc/meminfo</c>, in bytes.</summary>
    public static long ReadMemInfo(string field) => ReadFile("/proc/meminfo", field);

    public static long Read(int processId, string field) => ReadFile($"/proc/{processId}/status", field);

    private static long ReadFile(string path, string field)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kilobytes = line[(field.Length + 1)..].Trim().Split(' ')[0];
                    return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process ended between two reads.
        }

        return 0;
    }
}

/// <summary>Runs the published portal's commands (seed, export) against a data set.</summary>
internal static class PortalCommand
{
    /// <summary>Fixed keys: benchmark data sets are throwaway, and every run must see the same research ids.</summary>
    private const string BenchmarkKey = "YmVuY2htYXJrLWtleS1ub3QtZm9yLXJlYWwtZGF0YS0wMTIzNDU2Nzg5";

    /// <summary>The portal's configuration on <paramref name="data"/>, as environment variable names (<c>__</c>).</summary>
    public static IReadOnlyDictionary<string, string> Configuration(DataSet data)
    {
        var configuration = new Dictionary<string, string>(data.Settings)
        {
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
            ["Audit__HmacKey"] = BenchmarkKey,
            ["Export__PseudonymKey"] = BenchmarkKey,
            ["Export__Directory"] = Path.Combine(data.Directory, "exports"),
            ["Security__AccessTokenMinutes"] = "600",

            // The circuit measurement signs the same doctor in for every page it opens, from one address: more than the
            // sign-in limits let one client or one account try in a minute.
            ["Security__SignInLimits__PerAddressPerMinute"] = "1000000",
            ["Security__SignInLimits__PerAccountPerQuarterHour"] = "1000000",
        };
        return configuration;
    }

    public static ProcessStartInfo StartInfo(
        string portalDirectory, DataSet data, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = portalDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(portalDirectory, "MedicalPortal.Web.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in Configuration(data).Concat(settings ?? new Dictionary<string, string>()))
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>
    /// The workstation garbage collector, non-concurrent, with a small first generation: it collects as it goes, so that
    /// resident memory follows what is kept rather than how lazily garbage is collected.
    /// </summary>
    public static IReadOnlyDictionary<string, string> WorkstationGc { get; } = new Dictionary<string, string>
    {
        ["DOTNET_gcServer"] = "0",
        ["DOTNET_gcConcurrent"] = "0",
        ["DOTNET_GCgen0size"] = "0x400000",
    };

    /// <summary>
    /// The same, with the managed heap capped at 64 MiB: a command whose memory grew with its rows would fail with
    /// OutOfMemoryException instead of merely growing.
    /// </summary>
    public static IReadOnlyDictionary<string, string> CappedHeap { get; } = new Dictionary<string, string>(WorkstationGc)
    {
        ["DOTNET_GCHeapHardLimit"] = "0x4000000",
    };

    /// <summary>Runs a command to its end; returns its output, and the peak resident memory seen meanwhile.</summary>
    public static Task<(string Output, long PeakBytes, TimeSpan Elapsed)> RunAsync(
        string portalDirectory, DataSet data, params string[] arguments) =>
        RunAsync(portalDirectory, data, null, arguments);

    public static async Task<(string Output, long PeakBytes, TimeSpan Elapsed)> RunAsync(
        string portalDirectory, DataSet data, IReadOnlyDictionary<string, string>? settings, params string[] arguments)
    {
        var started = Stopwatch.StartNew();
        using var process = Process.Start(StartInfo(portalDirectory, data, arguments, settings))
            ?? throw new InvalidOperationException("The portal command did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, ProcStatus.Read(process.Id, "VmHWM"));
            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', arguments)}' failed ({process.ExitCode}): {await errors}");
        }

        return (await output, peak, started.Elapsed);
    }
}
