using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Cli;

/// <summary>
/// The command line as operators meet it: help, bad usage, configuration on the line, start validation, and the
/// commands that the export tests do not cover, on real SQLite files.
/// </summary>
public sealed class PortalCommandLineTests : IDisposable
{
    private const string StudyId = "0198f0a0-2026-8000-8000-000000000001";

    private readonly CommandLineHarness _commandLine = new();

    public void Dispose() => _commandLine.Dispose();

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public async Task InvokeAsync_RootHelp_Exits0ListingEveryCommandWithoutAHost(string help)
    {
        // Act
        var run = await _commandLine.RunAsync(help);

        // Assert
        Assert.Equal(0, run.ExitCode);
        Assert.All(["migrate", "seed", "verify-audit", "export", "extract", "shards"], c => Assert.Contains($"  {c} ", run.Output, StringComparison.Ordinal));
        Assert.Contains("--Section:Key", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("--version", run.Output, StringComparison.Ordinal);
        Assert.Equal(0, _commandLine.HostsBuilt);
        Assert.Empty(_commandLine.DatabaseFiles());
    }

    [Theory]
    [InlineData("migrate", "")]
    [InlineData("seed", "--patients <N>,--visits-per-patient <M>,--random-seed <S>")]
    [InlineData("verify-audit", "")]
    [InlineData("export", "--study <ID>,--out <FILE>")]
    [InlineData("extract", "")]
    [InlineData("shards list", "")]
    [InlineData("shards add", "--name <NAME>,--connection <CS>")]
    public async Task InvokeAsync_CommandHelp_Exits0NamingItsOptionsWithoutAHost(string command, string options)
    {
        // Act
        var run = await _commandLine.RunAsync([.. command.Split(' '), "--help"]);

        // Assert
        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"MedicalPortal.Web {command} [options]", run.Output, StringComparison.Ordinal);
        Assert.All(options.Split(',', StringSplitOptions.RemoveEmptyEntries), o => Assert.Contains(o, run.Output, StringComparison.Ordinal));
        Assert.Equal(0, _commandLine.HostsBuilt);
        Assert.Empty(_commandLine.DatabaseFiles());
    }

    [Theory]
    [InlineData("migrat", "Unknown command 'migrat'")]
    [InlineData("migrate --force", "Unrecognized command or argument '--force'")]
    [InlineData("seed --patients 5 --visits 2", "Unrecognized command or argument '--visits'")]
    [InlineData("seed --patients 5 Sqlite", "Unrecognized command or argument 'Sqlite'")]
    [InlineData("seed", "Option '--patients' is required")]
    [InlineData("seed --patients", "Required argument missing for option: '--patients'")]
    [InlineData("seed --patients many", "--patients needs a whole number of 0 or more, not 'many'")]
    [InlineData("seed --patients -1", "--patients needs a whole number of 0 or more, not '-1'")]
    [InlineData("seed --patients 5 --visits-per-patient 2.5", "--visits-per-patient needs a whole number of 0 or more, not '2.5'")]
    [InlineData("seed --patients 5 --random-seed x", "--random-seed needs a whole number of 0 or more, not 'x'")]
    [InlineData("export --out x.csv", "Option '--study' is required")]
    [InlineData("export --study not-a-guid --out x.csv", "--study needs a study id (a GUID), not 'not-a-guid'")]
    [InlineData($"export --study {StudyId}", "Option '--out' is required")]
    [InlineData("shards", "Required command was not provided")]
    [InlineData("shards remove", "Unrecognized command or argument 'remove'")]
    [InlineData("shards list --all", "Unrecognized command or argument '--all'")]
    [InlineData("shards add --name shard-2", "Option '--connection' is required")]
    [InlineData("shards add --connection x", "Option '--name' is required")]
    public async Task InvokeAsync_BadArgument_Exits2NamingTheProblemWithoutAHost(string commandLine, string message)
    {
        // Act
        var run = await _commandLine.RunAsync(commandLine.Split(' '));

        // Assert
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Equal(0, _commandLine.HostsBuilt);
        Assert.Empty(_commandLine.DatabaseFiles());
    }

    [Fact]
    public async Task InvokeAsync_ExportToABlankFileName_Exits2WithoutAHost()
    {
        // Act
        var run = await _commandLine.RunAsync("export", "--study", StudyId, "--out", " ");

        // Assert
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--out needs a file name", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, _commandLine.HostsBuilt);
    }

    [Fact]
    public async Task InvokeAsync_ConfigurationAfterTheCommand_ReachesTheCommandsHost()
    {
        // Arrange
        var catalog = Path.Combine(_commandLine.Directory, "elsewhere.db");

        // Act
        var run = await _commandLine.RunAsync("migrate", "--Database:Provider", "Sqlite", $"--Database:Catalog=Data Source={catalog}");

        // Assert
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["elsewhere.db", "shard-0.db", "shard-1.db"], _commandLine.DatabaseFiles());
    }

    [Fact]
    public async Task InvokeAsync_NoCommand_RunsThePortalWithEveryArgument()
    {
        // Act
        var run = await _commandLine.RunAsync("--urls", "http://127.0.0.1:5999", "--AllowedHosts", "clinic.example", "--Demo:Seed=false");

        // Assert
        Assert.Equal(0, run.ExitCode);
        var configuration = Assert.IsType<Dictionary<string, string?>>(_commandLine.PortalConfiguration);
        Assert.Equal("http://127.0.0.1:5999", configuration["urls"]);
        Assert.Equal("clinic.example", configuration["AllowedHosts"]);
        Assert.Equal("false", configuration["Demo:Seed"]);
    }

    [Theory]
    [InlineData("--Clinic:TimeZone Nowhere/Atlantis", "Clinic:TimeZone must be an IANA time zone")]
    [InlineData("--Clinic:TimeZone Nowhere/Atlantis --Export:Schedule never", "Clinic:TimeZone must be an IANA time zone|Export:Schedule must be a five-field cron expression")]
    public async Task InvokeAsync_InvalidOptions_Exits1WithEveryMessageBeforeTheCommandRuns(string configuration, string messages)
    {
        // Act
        var run = await _commandLine.RunAsync(["migrate", .. configuration.Split(' ')]);

        // Assert
        Assert.Equal(1, run.ExitCode);
        Assert.All(messages.Split('|'), m => Assert.Contains(m, run.Error, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.Empty(_commandLine.DatabaseFiles());
    }

    [Fact]
    public async Task InvokeAsync_Migrate_CreatesTheCatalogAndEveryShard()
    {
        // Act
        var run = await _commandLine.RunAsync("migrate");

        // Assert
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Catalog and shards are at the latest migration.", run.Output, StringComparison.Ordinal);
        Assert.Equal(["catalog.db", "shard-0.db", "shard-1.db"], _commandLine.DatabaseFiles());
    }

    [Fact]
    public async Task InvokeAsync_Seed_AddsThePatientsAndTheirVisits()
    {
        // Act
        var run = await _commandLine.RunAsync("seed", "--patients", "3", "--visits-per-patient", "2", "--random-seed", "7", "--environment", "Development");

        // Assert
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Seeded 3 patients and 6 visits", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_SeedInProduction_IsRefusedWithNothingWritten()
    {
        // Act
        var run = await _commandLine.RunAsync("seed", "--patients", "3");

        // Assert
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Development environment only", run.Error, StringComparison.Ordinal);
        Assert.Empty(_commandLine.DatabaseFiles());
    }

    [Fact]
    public async Task InvokeAsync_VerifyAuditAfterSeeding_ReportsEveryChainIntact()
    {
        // Arrange
        Assert.Equal(0, (await _commandLine.RunAsync("seed", "--patients", "2", "--environment", "Development")).ExitCode);

        // Act
        var run = await _commandLine.RunAsync("verify-audit");

        // Assert
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(3, run.Output.Split('\n').Count(l => l.StartsWith("OK   ", StringComparison.Ordinal)));
        Assert.DoesNotContain("FAIL", run.Output, StringComparison.Ordinal);
    }
}
