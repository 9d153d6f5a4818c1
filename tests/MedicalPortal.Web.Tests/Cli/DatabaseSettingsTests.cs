using MedicalPortal.Testing;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Cli;

/// <summary>
/// The database settings as an operator gets them wrong: a provider that does not exist, a connection string its
/// provider cannot read, a server nobody answers on. The node (or the command) stops with one line naming the key or
/// the database, never a stack trace, never a password, and nothing is created.
/// </summary>
public sealed class DatabaseSettingsTests : IDisposable
{
    private const string Secret = "hunter2-not-for-logs";

    private readonly CommandLineHarness _commandLine = new() { PreparesDatabases = true };

    public void Dispose() => _commandLine.Dispose();

    [Theory]
    [InlineData("migrate")]
    [InlineData("")]
    public async Task InvokeAsync_UnknownProvider_Exits1NamingTheKey(string command)
    {
        // Act
        var run = await _commandLine.RunAsync([.. Words(command), "--Database:Provider", "Oracle"]);

        // Assert
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'Oracle' at 'Database:Provider'", run.Error, StringComparison.Ordinal);
        AssertOneCleanLine(run);
    }

    [Theory]
    [InlineData("Postgres", "Host=127.0.0.1;Hots=typo;Database=catalog;Password=" + Secret,
        "Database:Catalog is not a PostgreSQL connection string")]
    [InlineData("Postgres", "Username=postgres;Database=catalog;Password=" + Secret, "Database:Catalog names no Host")]
    [InlineData("SqlServer", "Server=db;Databse=catalog;Password=" + Secret, "Database:Catalog is not a SQL Server connection string")]
    [InlineData("SqlServer", "Server=db;User Id=portal;Password=" + Secret, "Database:Catalog names no Database")]
    public async Task InvokeAsync_CatalogTheProviderCannotRead_Exits1NamingTheKeyWithoutItsValues(
        string provider, string catalog, string message)
    {
        // Act
        var run = await _commandLine.RunAsync(
            ["migrate", "--Database:Provider", provider, $"--Database:Catalog={catalog}", .. ServerShards(provider, "db")]);

        // Assert
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        AssertOneCleanLine(run);
    }

    [Fact]
    public async Task InvokeAsync_ShardTheProviderCannotRead_Exits1NamingTheShard()
    {
        // Act
        var run = await _commandLine.RunAsync(
            "migrate", "--Database:Provider", "Postgres", "--Database:Catalog=Host=db;Database=catalog",
            "--Database:Shards:0:ConnectionString=Host=db;Database=shard_0",
            $"--Database:Shards:1:ConnectionString=Host=db;Port=many;Password={Secret}");

        // Assert
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Database:Shards:1:ConnectionString (shard 'shard-1') is not a PostgreSQL connection string", run.Error, StringComparison.Ordinal);
        AssertOneCleanLine(run);
    }

    [Theory]
    [InlineData("shard 1", "may hold only the letters A-Z and a-z, digits, '-', '_' and '.'")]
    [InlineData("shard/1", "may hold only the letters A-Z and a-z, digits, '-', '_' and '.'")]
    public async Task InvokeAsync_ShardNameThatIsNoWord_Exits1NamingTheKey(string name, string problem)
    {
        // Act
        var run = await _commandLine.RunAsync("migrate", $"--Database:Shards:1:Name={name}");

        // Assert
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Database:Shards:1:Name '{name}' {problem}.", run.Error, StringComparison.Ordinal);
        AssertOneCleanLine(run);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("")]
    public async Task InvokeAsync_PostgresServerNobodyAnswersOn_Exits1NamingTheCatalogAndItsKey(string command)
    {
        // Arrange: a loopback port that was free a moment ago; nothing listens on it.
        var port = LoopbackPort.Free();

        // Act
        var run = await _commandLine.RunAsync(
            [.. Words(command), "--Database:Provider", "Postgres", "--Database:MaxRetryCount", "1",
             $"--Database:Catalog=Host=127.0.0.1;Port={port};Username=portal;Password={Secret};Database=catalog",
             .. ServerShards("Postgres", "127.0.0.1")]);

        // Assert
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("The catalog database (Database:Catalog) cannot be reached", run.Error, StringComparison.Ordinal);
        AssertOneCleanLine(run);
    }

    private void AssertOneCleanLine(CommandLineRun run)
    {
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Output, StringComparison.Ordinal);
        Assert.Empty(_commandLine.DatabaseFiles());
    }

    private static string[] Words(string command) => command.Length == 0 ? [] : [command];

    /// <summary>Both shards of the harness's layout, on <paramref name="provider"/>, so that only the catalog is wrong.</summary>
    private static string[] ServerShards(string provider, string host) =>
    [
        .. Enumerable.Range(0, TestDatabaseSettings.ShardCount).SelectMany(i => new[]
        {
            $"--Database:Shards:{i}:ConnectionString=" +
            (provider == "SqlServer" ? $"Server={host};Database=shard_{i}" : $"Host={host};Port=1;Database=shard_{i}"),
        }),
    ];
}
