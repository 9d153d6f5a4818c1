using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MedicalPortal.E2E.Deployment;

/// <summary>
/// The whole local topology as an operator starts it: <c>deploy/local/up.sh</c> (nginx, two Release nodes, Redis, a
/// PostgreSQL catalog and two shards) on a free port and a folder of its own, stopped and deleted with
/// <c>deploy/local/down.sh --purge</c>.
/// </summary>
public sealed class LocalTopology : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "medicalportal-local-topology", Guid.NewGuid().ToString("N"));

    /// <summary>The site through nginx, such as http://127.0.0.1:41234.</summary>
    public string Url { get; private set; } = "";

    public int Port { get; } = FreePort();

    public static string Repository { get; } = FindRepository();

    /// <summary>Node n's own address (1-based), bypassing nginx.</summary>
    public string NodeUrl(int node) => $"http://127.0.0.1:{File.ReadAllText(Path.Combine(_directory, "pids", $"node-{node}.port")).Trim()}";

    /// <summary>The node (1-based) that listens on a port, as nginx's X-Upstream names it (127.0.0.1:PORT).</summary>
    public int NodeAt(string upstream) =>
        Enumerable.Range(1, 2).Single(n => NodeUrl(n).EndsWith(":" + upstream.Split(':')[^1], StringComparison.Ordinal));

    /// <summary>Stops a node as a machine going away would have it stopped (SIGTERM), and waits for its process to end.</summary>
    public async Task StopNodeAsync(int node)
    {
        var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, "pids", $"node-{node}.pid")), System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.GetProcessById(pid);
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task InitializeAsync()
    {
        var (exitCode, output) = await RunAsync("deploy/local/up.sh", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", _directory);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"deploy/local/up.sh failed ({exitCode}):\n{output}");
        }

        Url = $"http://127.0.0.1:{Port}";
    }

    public async Task DisposeAsync() => await RunAsync("deploy/local/down.sh", "--dir", _directory, "--purge");

    private static async Task<(int ExitCode, string Output)> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Repository, script), .. arguments])
        {
            WorkingDirectory = Repository,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        return (process.ExitCode, await output + await error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "test.sh")) && Directory.Exists(Path.Combine(directory.FullName, "deploy")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository (the folder with test.sh and deploy/) is not above the test's folder.");
    }
}
