using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MedicalPortal.Testing;

/// <summary>
/// A real redis-server of the test's own, on a free loopback port, in a temporary folder. It can be killed and started
/// again on the same port (optionally keeping its data in an append-only file, as a Redis that survives an outage
/// would), to replay outages. test.sh installs redis-server.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly bool _persistent;
    private Process? _process;

    private RedisServer(int port, string directory, bool persistent)
    {
        Port = port;
        _directory = directory;
        _persistent = persistent;
    }

    public int Port { get; }

    /// <summary>The <c>Cache:Redis</c> setting that reaches this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a server. <paramref name="persistent"/>: every write is kept on disk, so data survives a kill.</summary>
    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "medicalportal-redis", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var server = new RedisServer(LoopbackPort.Free(), directory, persistent);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Kills the server at once (SIGKILL: no goodbye to clients, as a crash or a pulled cable).</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>
    /// Starts the server (again) on the same port and waits until it answers. A server that exits at once (another
    /// process took the port for a moment, as an outgoing connection's local port can) is started again; a server that
    /// does not come up is reported with the last lines it wrote.
    /// </summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var output = Start();
            while (!_process!.HasExited && DateTime.UtcNow <= deadline)
            {
                if (await RespondsAsync())
                {
                    return;
                }

                await Task.Delay(50);
            }

            if (DateTime.UtcNow > deadline)
            {
                await KillAsync();
                throw new InvalidOperationException(
                    $"redis-server on port {Port} did not come up (port taken: {LoopbackPort.IsTaken(Port)}). It wrote:\n{string.Join('\n', output)}");
            }

            await Task.Delay(500);
        }
    }

    // Starts the process; returns the queue of its last output lines.
    private ConcurrentQueue<string> Start()
    {
        _process?.Dispose();
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--dir", _directory, "--save", "", "--daemonize", "no",
                     "--appendonly", _persistent ? "yes" : "no", "--appendfsync", "always",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new ConcurrentQueue<string>();
        void Keep(string? line)
        {
            if (line is not null)
            {
                output.Enqueue(line);
                while (output.Count > 40 && output.TryDequeue(out _))
                {
                }
            }
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return output;
    }

    /// <summary>Sends one command (inline protocol) and returns the raw reply.</summary>
    public async Task<string> CommandAsync(string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<bool> RespondsAsync()
    {
        try
        {
            // A reply within two seconds, or the next try: a port that accepts and never answers must not hang the wait.
            return (await CommandAsync("PING").WaitAsync(TimeSpan.FromSeconds(2))).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string Executable()
    {
        foreach (var candidate in new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("redis-server is not installed: run ./test.sh (it installs it) or apt-get install redis-server.");
    }
}
