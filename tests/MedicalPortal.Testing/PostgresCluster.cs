using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace MedicalPortal.Testing;

/// <summary>
/// A PostgreSQL server of one test's own, in a new folder under /tmp on a free loopback port, which the test may stop
/// (at once, as a crash would) and start again on the same port, to replay a shard's outage without disturbing the
/// servers the rest of the run shares (<see cref="TestPostgres"/>). It is set up as scripts/postgres.sh --test sets
/// those up, but for one setting: its commits stay synchronous, so that a stop loses none. Disposing stops it and
/// deletes its folder. Needs the Debian package postgresql, which test.sh installs.
/// </summary>
public sealed partial class PostgresCluster : IAsyncDisposable
{
    private const string InstallRoot = "/usr/lib/postgresql";

    // Seconds pg_ctl waits for the server to be up (accepting connections) or down; crash recovery counts in the start.
    private const string WaitSeconds = "60";

    // How often StartAsync picks another port when someone took the one it picked before the server could bind it.
    private const int PortAttempts = 3;

    // Added to postgresql.conf once, before the port. TCP on loopback only, as scripts/postgres.sh: the tests connect over
    // TCP, and no socket file is left in a shared folder. fsync and full_page_writes guard against the machine failing,
    // which a test never replays: a stopped server's writes are already in the kernel's page cache, which outlives it.
    // synchronous_commit stays on, unlike --test: an asynchronous commit waits in shared memory for the WAL writer (up to
    // 0.6 s), an immediate stop throws it away, and the test would then miss rows it saw committed. With fsync off, a
    // synchronous commit costs a write to the page cache and nothing more.
    private const string Settings = """

        # MedicalPortal.Testing.PostgresCluster
        listen_addresses = '127.0.0.1'
        unix_socket_directories = ''
        max_connections = 100
        fsync = off
        full_page_writes = off

        """;

    private readonly string _binaries;
    private readonly Lock _sync = new();
    private readonly HashSet<string> _connectionStrings = [];
    private bool _disposed;

    private PostgresCluster(string binaries, string dataDirectory)
    {
        _binaries = binaries;
        DataDirectory = dataDirectory;
    }

    /// <summary>The cluster's folder, under /tmp; the server's log is <c>server.log</c> in it.</summary>
    public string DataDirectory { get; }

    /// <summary>The loopback port it listens on, the same after a start again.</summary>
    public int Port { get; private set; }

    /// <summary>The connection string of the server without a database, in the format of <see cref="TestPostgres.Servers"/>.</summary>
    public string Server => string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres");

    /// <summary>Whether the server runs: from a start until a stop, as far as this instance knows.</summary>
    public bool IsRunning { get; private set; }

    private string LogFile => Path.Combine(DataDirectory, "server.log");

    private string ConfigurationFile => Path.Combine(DataDirectory, "postgresql.conf");

    /// <summary>Creates a new cluster and starts it; returns once it accepts connections.</summary>
    public static async Task<PostgresCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        // /tmp rather than the temporary folder of the process: run as root, the server runs as the postgres user, who
        // must reach the folder, and TMPDIR may well be closed to it.
        var cluster = new PostgresCluster(
            FindBinaries(InstallRoot),
            Path.Combine("/tmp", $"medicalportal-postgres-{Guid.NewGuid().ToString("N")[..12]}"));
        try
        {
            await cluster.CreateAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            // The caller gets nothing to dispose: remove here what was made.
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates an empty database named <paramref name="name"/>, with the same encoding and default collation as the
    /// databases of <see cref="PostgresDatabases"/>; returns its connection string, its pool bounded as theirs are.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException("A database name of lower-case letters, digits and underscores, as an identifier.", nameof(name));
        }

        // Remembered before they are used, for the dispose to clear their pools whatever happens next.
        var connectionString = PostgresDatabases.ConnectionString(Server, name);
        lock (_sync)
        {
            _connectionStrings.Add(PostgresDatabases.MaintenanceConnectionString(Server));
            _connectionStrings.Add(connectionString);
        }

        await PostgresDatabases.CreateDatabaseAsync(Server, name, cancellationToken);
        return connectionString;
    }

    /// <summary>
    /// Stops the server; nothing to do if it is stopped. <paramref name="immediate"/>: its processes quit at once, as
    /// in a crash, and the next start recovers from the WAL; otherwise a fast shutdown (sessions ended, a checkpoint).
    /// Clients see their connections end either way. The pools are left as they are, as a real outage leaves them: a
    /// connection pooled before the stop is broken and fails at its first use, after a start again too.
    /// </summary>
    public async Task StopAsync(bool immediate = true, CancellationToken cancellationToken = default)
    {
        if (!IsRunning)
        {
            return;
        }

        var (exitCode, messages) = await ServerToolAsync(
            "pg_ctl", ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", WaitSeconds, "stop"],
            cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"PostgreSQL in {DataDirectory} did not stop: {messages}");
        }

        IsRunning = false;
    }

    /// <summary>
    /// Starts the stopped server again, on the same port so that connection strings stay valid, and returns once it
    /// accepts connections (after crash recovery, if it was stopped at once); nothing to do if it runs.
    /// </summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        var (exitCode, messages) = await StartServerAsync(cancellationToken);
        if (exitCode != 0)
        {
            var taken = LoopbackPort.IsTaken(Port) ? $" Port {Port} is taken by something else now." : "";
            throw new InvalidOperationException($"PostgreSQL in {DataDirectory} did not start again.{taken} {messages}");
        }
    }

    /// <summary>
    /// Stops the server at once if it runs, and deletes its folder, whatever state a failed test left it in. Clears the
    /// pools of this server's connection strings only: clearing every pool would close the connections of the tests
    /// running beside this one.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        List<string> connectionStrings;
        lock (_sync)
        {
            connectionStrings = [.. _connectionStrings];
        }

        foreach (var connectionString in connectionStrings)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }

        // By the lock file rather than IsRunning: a start may have failed half-way, or the server outlived a failed stop.
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            // Its outcome changes nothing here: a server that is down already is what a dispose wants.
            await ServerToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", WaitSeconds, "stop"], CancellationToken.None);
        }

        IsRunning = false;
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // initdb failed, and took away what it had made.
        }
    }

    /// <summary>
    /// The bin folder of the newest PostgreSQL under <paramref name="installRoot"/>: Debian keeps its servers off PATH,
    /// in /usr/lib/postgresql/VERSION/bin.
    /// </summary>
    internal static string FindBinaries(string installRoot)
    {
        var newest = Directory.Exists(installRoot)
            ? Directory.GetDirectories(installRoot)
                .Where(folder => File.Exists(Path.Combine(folder, "bin", "initdb")))
                .Select(folder => (Folder: folder, Version: MajorVersion(folder)))
                .Where(server => server.Version > 0)
                .OrderByDescending(server => server.Version)
                .Select(server => Path.Combine(server.Folder, "bin"))
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            $"PostgreSQL is not installed (no {installRoot}/VERSION/bin/initdb): install the Debian package postgresql "
            + "(apt-get install -y postgresql; ./test.sh does it when run as root).");
    }

    private static int MajorVersion(string folder) =>
        int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0;

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        // No locale and no sync, as scripts/postgres.sh --test: the databases choose their collation, and nothing of a
        // test's cluster needs to survive the machine.
        var (exitCode, messages) = await ServerToolAsync(
            "initdb",
            ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
            cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed for {DataDirectory}: {messages}");
        }

        // As root this appends to a file of the postgres user's, who keeps it.
        await File.AppendAllTextAsync(ConfigurationFile, Settings, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            // The port goes in the configuration, so that a start again finds it there; a later line wins over an earlier.
            Port = LoopbackPort.Free();
            await File.AppendAllTextAsync(
                ConfigurationFile, string.Create(CultureInfo.InvariantCulture, $"port = {Port}\n"), cancellationToken);
            (exitCode, messages) = await StartServerAsync(cancellationToken);
            if (exitCode == 0)
            {
                return;
            }

            if (attempt == PortAttempts || !LoopbackPort.IsTaken(Port))
            {
                throw new InvalidOperationException($"PostgreSQL in {DataDirectory} did not start on port {Port}: {messages}");
            }
        }
    }

    // pg_ctl -w returns once the server accepts connections. On failure, the messages end with the log's last lines,
    // where the server says why.
    private async Task<(int ExitCode, string Messages)> StartServerAsync(CancellationToken cancellationToken)
    {
        var (exitCode, messages) = await ServerToolAsync(
            "pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", WaitSeconds, "start"], cancellationToken);
        if (exitCode != 0)
        {
            return (exitCode, $"{messages} Its log ends: {await LogTailAsync()}");
        }

        IsRunning = true;
        return (exitCode, messages);
    }

    private async Task<string> LogTailAsync()
    {
        try
        {
            var lines = await File.ReadAllLinesAsync(LogFile);
            return string.Join(" | ", lines.TakeLast(5));
        }
        catch (IOException exception)
        {
            return $"(no log: {exception.Message})";
        }
    }

    /// <summary>
    /// Runs initdb or pg_ctl of this cluster's PostgreSQL and returns its exit code and what it wrote to stderr (else
    /// stdout). They refuse to run as root: as root they run as the postgres user (the package creates it), from / so
    /// that a current folder closed to that user does not trouble them.
    /// </summary>
    private async Task<(int ExitCode, string Messages)> ServerToolAsync(
        string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var executable = Path.Combine(_binaries, tool);
        string[] command = Environment.IsPrivilegedProcess ? ["runuser", "-u", "postgres", "--", executable] : [executable];
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in command.Skip(1).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        // pg_ctl start hands the server its log file for output, so these pipes close when pg_ctl exits.
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var messages = (await errors).Trim();
        return (process.ExitCode, messages.Length > 0 ? messages : (await output).Trim());
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
