using System.Text.RegularExpressions;
using MedicalPortal.Core.Administration;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data;
using MedicalPortal.Testing;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MedicalPortal.Web.Tests.Cli;

/// <summary>
/// <c>shards list</c> and <c>shards add</c>, run the way Program.cs runs a command, on an installation of two shards
/// that holds a few patients: the report, with a shard down too, and the addition of a shard as an operator meets it,
/// right or wrong. A connection string is never written out.
/// </summary>
public abstract partial class ShardsCommandTests : IAsyncLifetime
{
    private const string Added = "shard-2";

    private readonly List<CommandLineRun> _runs = [];
    private Dictionary<string, int> _patientsPerShard = default!;
    private string[] _patientNames = default!;

    /// <summary>The command line, on an installation of two shards whose <c>shard-1</c> <see cref="TakeDownShard1Async"/> can stop.</summary>
    private protected CommandLineHarness CommandLine { get; private set; } = default!;

    private protected abstract Task<CommandLineHarness> CreateCommandLineAsync();

    /// <summary>
    /// An empty database for a shard to add, and something of its connection string that gives it away and must never be
    /// written out (its password where the provider takes one).
    /// </summary>
    protected abstract Task<(string ConnectionString, string Telltale)> NewDatabaseAsync();

    /// <summary>A database that does not answer at all.</summary>
    protected abstract string DeadDatabase();

    protected abstract Task TakeDownShard1Async();

    /// <summary>The connection string of a configured shard.</summary>
    protected abstract string ConfiguredConnectionString(int shard);

    public virtual async Task InitializeAsync()
    {
        CommandLine = await CreateCommandLineAsync();
        await using var app = CommandLine.Build([]);
        await app.Services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(default);
        _patientNames = [.. Enumerable.Range(0, 7).Select(i => $"Shardlisted{(char)('a' + i)}")];
        var patients = await app.Services.GetRequiredService<IPatientStore>().SeedAsync(_patientNames.Select(name => ("Testy", name)));
        var map = app.Services.GetRequiredService<IShardMap>();
        _patientsPerShard = map.Ranges.Select(r => r.Shard).Distinct()
            .ToDictionary(shard => shard, shard => patients.Count(p => map.ShardForPatient(p.Id) == shard));
    }

    public virtual Task DisposeAsync()
    {
        CommandLine.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task List_BothShardsAnswer_OneAlignedLineEachWithRangesPatientsAndReachable()
    {
        // Act
        var run = await RunAsync("shards", "list");

        // Assert
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                ["SHARD", "BUCKETS", "PATIENTS", "REACHABLE"],
                ["shard-0", "0-2047", $"{_patientsPerShard["shard-0"]}", "yes"],
                ["shard-1", "2048-4095", $"{_patientsPerShard["shard-1"]}", "yes"],
            ],
            Columns(run));
        AssertAligned(run);
        Assert.All(_patientNames, name => Assert.DoesNotContain(name, run.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_ShardDown_ItsLineSaysUnreachableWithPatientsUnknownAndExits0()
    {
        // Arrange
        await TakeDownShard1Async();

        // Act
        var run = await RunAsync("shards", "list");

        // Assert
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                ["SHARD", "BUCKETS", "PATIENTS", "REACHABLE"],
                ["shard-0", "0-2047", $"{_patientsPerShard["shard-0"]}", "yes"],
                ["shard-1", "2048-4095", "unknown", "no"],
            ],
            Columns(run));
        AssertAligned(run);
    }

    [Fact]
    public async Task Add_NewDatabase_RegisteredWithNoBucketsAndANodeStartedAfterwardsKnowsIt()
    {
        // Arrange
        var (connectionString, telltale) = await NewDatabaseAsync();

        // Act
        var add = await RunAsync("shards", "add", "--name", Added, "--connection", connectionString);
        var list = await RunAsync("shards", "list");

        // Assert
        Assert.Equal(0, add.ExitCode);
        Assert.StartsWith($"Added shard '{Added}'", add.Output, StringComparison.Ordinal);
        Assert.Contains("registered with no buckets", add.Output, StringComparison.Ordinal);
        Assert.Equal(0, list.ExitCode);
        Assert.Equal([Added, "none", "0", "yes"], Columns(list)[^1]);
        AssertAligned(list);

        // A node that starts now knows it from the catalog, its configuration unchanged.
        await using var node = CommandLine.Build([]);
        await node.Services.GetRequiredService<IDatabaseInitializer>().InitializeServingAsync(default);
        var status = await node.Services.GetRequiredService<ISystemStatusSource>().ReadAsync(default);
        Assert.Equal(new ShardStatus(Added, Reachable: true, Patients: 0), status.Shards[^1]);
        AssertNeverWritten(connectionString, telltale);
    }

    [Fact]
    public async Task Add_SameCommandAgain_Exits0DoneAlready_AnotherConnectionStringExits2()
    {
        // Arrange
        var (connectionString, telltale) = await NewDatabaseAsync();
        var (other, otherTelltale) = await NewDatabaseAsync();
        await RunAsync("shards", "add", "--name", Added, "--connection", connectionString);
        var before = await RunAsync("shards", "list");

        // Act
        var again = await RunAsync("shards", "add", "--name", Added, "--connection", connectionString);
        var elsewhere = await RunAsync("shards", "add", "--name", Added, "--connection", other);

        // Assert
        Assert.Equal(0, again.ExitCode);
        Assert.Equal($"Shard '{Added}' is registered already, with this connection string: nothing to do.", again.Output.TrimEnd());
        Assert.Equal(2, elsewhere.ExitCode);
        Assert.Equal($"The shard '{Added}' is registered already, with another connection string.", elsewhere.Error.TrimEnd());
        Assert.Equal(before.Output, (await RunAsync("shards", "list")).Output);
        AssertNeverWritten(connectionString, telltale);
        AssertNeverWritten(other, otherTelltale);
    }

    [Theory]
    [InlineData("shard 2", "The shard name 'shard 2' may hold only the letters A-Z and a-z, digits, '-', '_' and '.'.")]
    [InlineData("SHARD-1", "The shard 'shard-1' is configured in Database:Shards already.")]
    public async Task Add_NameNoNewShardMayHave_Exits2WithTheProblemAndChangesNothing(string name, string message)
    {
        // Arrange
        var (connectionString, telltale) = await NewDatabaseAsync();
        var before = await RunAsync("shards", "list");
        var files = CommandLine.DatabaseFiles();

        // Act
        var run = await RunAsync("shards", "add", "--name", name, "--connection", connectionString);

        // Assert
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(message, run.Error.TrimEnd());
        Assert.Equal(before.Output, (await RunAsync("shards", "list")).Output);
        Assert.Equal(files, CommandLine.DatabaseFiles());
        AssertNeverWritten(connectionString, telltale);
    }

    [Fact]
    public async Task Add_ConnectionStringTheProviderCannotRead_Exits2WithoutRepeatingItAndChangesNothing()
    {
        // Arrange
        const string connectionString = "Nonsense=1;Password=hunter2-not-for-output";
        var before = await RunAsync("shards", "list");

        // Act
        var run = await RunAsync("shards", "add", "--name", Added, "--connection", connectionString);

        // Assert
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("The connection string is not a", run.Error, StringComparison.Ordinal);
        Assert.Equal(before.Output, (await RunAsync("shards", "list")).Output);
        AssertNeverWritten(connectionString, "hunter2-not-for-output");
    }

    [Fact]
    public async Task Add_DatabaseOfAShardAlready_Exits2AndChangesNothing()
    {
        // Arrange
        var connectionString = ConfiguredConnectionString(0);
        var before = await RunAsync("shards", "list");

        // Act
        var run = await RunAsync("shards", "add", "--name", Added, "--connection", connectionString);

        // Assert
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("The connection string leads to the database of shard 'shard-0': a shard needs a database of its own.", run.Error.TrimEnd());
        Assert.Equal(before.Output, (await RunAsync("shards", "list")).Output);
    }

    [Fact]
    public async Task Add_DatabaseThatDoesNotAnswer_Exits1WithOneLineNamingItAndRegistersNothing()
    {
        // Arrange
        var connectionString = DeadDatabase();
        var before = await RunAsync("shards", "list");

        // Act
        var run = await RunAsync("shards", "add", "--name", Added, "--connection", connectionString);

        // Assert
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"The shard '{Added}' database (the connection string given) cannot be reached", line, StringComparison.Ordinal);
        Assert.Equal(before.Output, (await RunAsync("shards", "list")).Output);
        AssertNeverWritten(connectionString, connectionString);
    }

    [Fact]
    public async Task Move_BucketsToAnAddedShard_ProgressThenMovedAndTheListShowsThemThere()
    {
        // Arrange
        var (connectionString, telltale) = await NewDatabaseAsync();
        await RunAsync("shards", "add", "--name", Added, "--connection", connectionString);

        // Act
        var move = await RunAsync("shards", "move", "--buckets", "0-1023", "--to", Added);
        var again = await RunAsync("shards", "move", "--buckets", "0-1023", "--to", Added);
        var list = await RunAsync("shards", "list");

        // Assert: a bar per step into a file or pipe (a line at each quarter), then what was moved and verified.
        Assert.Equal(0, move.ExitCode);
        Assert.Matches(@"(?m)^Copying +\[#{30}\] 100 % +1024/1024 buckets$", move.Output);
        Assert.Matches(@"(?m)^Final catch-up +\[\.{30}\] +0 % +0/1024 buckets$", move.Output);
        Assert.Matches(@"(?m)^Verifying +\[#{30}\]", move.Output);
        Assert.Matches(@"(?m)^Deleting from source +\[#{30}\]", move.Output);
        Assert.Matches(@"Moved buckets 0-1023 from 'shard-0' to 'shard-2': \d+ patient\(s\), \d+ visit\(s\), \d+ enrollment\(s\), verified\. " +
            @"Writes to these buckets were held back for [\d,]+ ms\.", move.Output);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal("Buckets 0-1023 are on 'shard-2' already: nothing to do.", again.Output.Trim());
        Assert.Equal(["shard-0", "1024-2047"], Columns(list)[1][..2]);
        Assert.Equal(["shard-2", "0-1023"], Columns(list)[^1][..2]);
        Assert.Equal(
            _patientsPerShard["shard-0"] + _patientsPerShard["shard-1"],
            Columns(list).Skip(1).Sum(row => int.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(_patientNames, name => Assert.DoesNotContain(name, move.Output, StringComparison.Ordinal));
        AssertNeverWritten(connectionString, telltale);
    }

    [Theory]
    [InlineData("5-x", "shard-1", "--buckets needs a range of buckets FIRST-LAST, such as 0-511, not '5-x'.")]
    [InlineData("100-4096", "shard-1", "The buckets must be a range FIRST-LAST within 0-4095, FIRST not after LAST.")]
    [InlineData("10-5", "shard-1", "The buckets must be a range FIRST-LAST within 0-4095, FIRST not after LAST.")]
    [InlineData("0-10", "shard-9", "There is no shard 'shard-9': 'shards list' names the shards, and 'shards add' adds one.")]
    [InlineData("2000-2100", "shard-1", "Buckets 2000-2100 lie on the shards 'shard-0', 'shard-1': move the buckets of one shard at a time.")]
    public async Task Move_BucketsOrShardThatCannotBe_Exits2WithTheProblemAndChangesNothing(string buckets, string to, string message)
    {
        var before = await RunAsync("shards", "list");

        var move = await RunAsync("shards", "move", "--buckets", buckets, "--to", to);

        Assert.Equal(2, move.ExitCode);
        Assert.Contains(message, move.Error, StringComparison.Ordinal);
        Assert.Equal(before.Output, (await RunAsync("shards", "list")).Output);
    }

    private async Task<CommandLineRun> RunAsync(params string[] args)
    {
        var run = await CommandLine.RunAsync(args);
        _runs.Add(run);
        return run;
    }

    /// <summary>The report's lines, split into their columns.</summary>
    private static string[][] Columns(CommandLineRun run) =>
    [
        .. run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)),
    ];

    /// <summary>Words start where their column's heading starts, counts end where theirs ends.</summary>
    private static void AssertAligned(CommandLineRun run)
    {
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToList();
        var headings = Words().Matches(lines[0]);
        foreach (var line in lines.Skip(1))
        {
            var words = Words().Matches(line);
            Assert.Equal(headings.Count, words.Count);
            Assert.Equal(
                [headings[0].Index, headings[1].Index, headings[2].Index + headings[2].Length, headings[3].Index],
                [words[0].Index, words[1].Index, words[2].Index + words[2].Length, words[3].Index]);
        }
    }

    /// <summary>No run of this test wrote the connection string, or what gives it away, anywhere.</summary>
    private void AssertNeverWritten(string connectionString, string telltale) =>
        Assert.All(_runs, run =>
        {
            foreach (var text in new[] { run.Output, run.Error })
            {
                Assert.DoesNotContain(connectionString, text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(telltale, text, StringComparison.OrdinalIgnoreCase);
            }
        });

    [GeneratedRegex(@"\S+")]
    private static partial Regex Words();

    public sealed class OnSqlite : ShardsCommandTests
    {
        private protected override Task<CommandLineHarness> CreateCommandLineAsync() => Task.FromResult(new CommandLineHarness());

        protected override Task<(string ConnectionString, string Telltale)> NewDatabaseAsync()
        {
            var file = $"added-{Guid.NewGuid():N}.db";
            return Task.FromResult(($"Data Source={Path.Combine(CommandLine.Directory, file)}", file));
        }

        /// <summary>A folder where the file should be: SQLite can neither open nor create it.</summary>
        protected override string DeadDatabase()
        {
            var connectionString = $"Data Source={Path.Combine(CommandLine.Directory, "dead.db")}";
            SqliteOutage.TakeDown(connectionString);
            return connectionString;
        }

        protected override string ConfiguredConnectionString(int shard) =>
            TestDatabaseSettings.For(CommandLine.Directory)[$"Database:Shards:{shard}:ConnectionString"]!;

        protected override Task TakeDownShard1Async()
        {
            SqliteOutage.TakeDown(ConfiguredConnectionString(1));
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// On this run's servers, but shard-1 on a server of the class's own, which a test may stop: each test starts it
    /// again if the one before stopped it, and has a database of its own on it.
    /// </summary>
    public sealed class OnPostgres(OnPostgres.StoppableServer server) : ShardsCommandTests, IClassFixture<OnPostgres.StoppableServer>
    {
        private const string Password = "hunter2-not-for-output";

        private readonly List<IAsyncDisposable> _databases = [];
        private Dictionary<string, string?> _settings = default!;

        private protected override async Task<CommandLineHarness> CreateCommandLineAsync()
        {
            var databases = await TestDatabases.CreateAsync(DatabaseProvider.Postgres);
            _databases.Add(databases);
            await server.StartAgainAsync();
            _settings = new Dictionary<string, string?>(databases.Settings)
            {
                ["Database:Shards:1:ConnectionString"] = await server.Cluster.CreateDatabaseAsync($"shard_1_{Guid.NewGuid():N}"),

                // One retry, so that a server that does not answer is given up on soon.
                ["Database:MaxRetryCount"] = "1",
            };
            return new CommandLineHarness { Databases = _settings };
        }

        /// <summary>A set of no shards is its catalog alone: an empty database on this run's servers. They trust any password.</summary>
        protected override async Task<(string ConnectionString, string Telltale)> NewDatabaseAsync()
        {
            var databases = await TestPostgres.CreateAsync(shardCount: 0);
            _databases.Add(databases);
            return ($"{databases.Catalog};Password={Password}", Password);
        }

        protected override string DeadDatabase() =>
            $"Host=127.0.0.1;Port={LoopbackPort.Free()};Username=postgres;Password={Password};Database=dead";

        protected override string ConfiguredConnectionString(int shard) => _settings[$"Database:Shards:{shard}:ConnectionString"]!;

        protected override Task TakeDownShard1Async() => server.Cluster.StopAsync(immediate: true);

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            foreach (var databases in _databases)
            {
                await databases.DisposeAsync();
            }
        }

        public sealed class StoppableServer : IAsyncLifetime
        {
            public PostgresCluster Cluster { get; private set; } = default!;

            public async Task InitializeAsync() => Cluster = await PostgresCluster.StartAsync();

            /// <summary>Starts it again if a test stopped it; the pooled connections it creates databases through broke with the stop.</summary>
            public async Task StartAgainAsync()
            {
                if (Cluster.IsRunning)
                {
                    return;
                }

                await Cluster.StartAgainAsync();
                await using var maintenance = new NpgsqlConnection(PostgresDatabases.MaintenanceConnectionString(Cluster.Server));
                NpgsqlConnection.ClearPool(maintenance);
            }

            public async Task DisposeAsync() => await Cluster.DisposeAsync();
        }
    }
}
