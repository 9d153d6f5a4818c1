using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace MedicalPortal.Web.Tests.Cli;

/// <summary>
/// <c>verify-audit</c> against the checkpoints outside the databases, on real SQLite files in Production: it writes a
/// checkpoint of every intact chain at its end, and names the database and the checkpoint when a chain was cut back and
/// an older head put back.
/// </summary>
public sealed class VerifyAuditCommandTests : IDisposable
{
    /// <summary>Relative to the content root, the harness's folder, which is deleted with it.</summary>
    private const string Anchors = "anchors";

    private readonly CommandLineHarness _commandLine = new();

    private string AnchorFolder => Path.Combine(_commandLine.Directory, Anchors);

    public void Dispose() => _commandLine.Dispose();

    [Fact]
    public async Task VerifyAudit_IntactChains_Exits0AndWritesACheckpointOfEachWhichTheNextRunHoldsThemTo()
    {
        // Arrange
        await SeedAsync();

        // Act
        var first = await VerifyAsync();
        var second = await VerifyAsync();

        // Assert
        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.Equal(3, Lines(first, "OK   ").Count(l => l.EndsWith("chain intact, no checkpoint yet", StringComparison.Ordinal)));
        Assert.Equal(["Checkpoint catalog", "Checkpoint shard-0", "Checkpoint shard-1"], Lines(first, "Checkpoint ").Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Equal(3, Lines(second, "OK   ").Count(l => l.Contains(", newest checkpoint (entry ", StringComparison.Ordinal)));
        Assert.Equal(6, Directory.GetFiles(AnchorFolder, "*.json").Length);
    }

    [Fact]
    public async Task VerifyAudit_OlderHeadPutBackOverAShortenedChain_Exits1NamingTheDatabaseAndTheCheckpointAndCheckpointsOnlyTheOthers()
    {
        // Arrange: a head kept, more entries, a checkpoint; then the chain cut back and the kept head put back.
        await SeedAsync();
        var kept = await HeadAsync("shard-0");
        await SeedAsync(randomSeed: 2);
        var checkpointed = await VerifyAsync();
        var checkpoint = Lines(checkpointed, "Checkpoint shard-0: ").Single();
        var name = checkpoint[(checkpoint.IndexOf('(', StringComparison.Ordinal) + 1)..^1];
        await PutBackAsync("shard-0", kept);

        // Act
        var run = await VerifyAsync();

        // Assert
        Assert.Equal(1, run.ExitCode);
        var failure = Lines(run, "FAIL shard-0: ").Single();
        Assert.Contains($"sequence {kept.Sequence + 1} rolled-back: ", failure, StringComparison.Ordinal);
        Assert.Contains(name, failure, StringComparison.Ordinal);
        Assert.Equal(["Checkpoint catalog", "Checkpoint shard-1"], Lines(run, "Checkpoint ").Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]));
    }

    [Fact]
    public async Task VerifyAudit_OutsideDevelopmentWithoutAnAnchorDirectory_Exits1NamingTheSetting()
    {
        // Act: none configured, whatever the harness brings.
        var run = await _commandLine.RunAsync("verify-audit", "--Audit:AnchorDirectory=");

        // Assert
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Audit:AnchorDirectory", run.Output + run.Error, StringComparison.Ordinal);
    }

    /// <summary>Ten patients with a visit each, the same ones for the same <paramref name="randomSeed"/>: some on every shard.</summary>
    private async Task SeedAsync(int randomSeed = 1) => Assert.Equal(0, (await _commandLine.RunAsync(
        "seed", "--patients", "10", "--visits-per-patient", "1", "--random-seed", randomSeed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--environment", "Development")).ExitCode);

    private Task<CommandLineRun> VerifyAsync() => _commandLine.RunAsync("verify-audit", "--Audit:AnchorDirectory", Anchors);

    private static List<string> Lines(CommandLineRun run, string start) =>
        [.. run.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(start, StringComparison.Ordinal))];

    private SqliteConnection Open(string database) => new($"Data Source={Path.Combine(_commandLine.Directory, $"{database}.db")};Pooling=False");

    private async Task<(long Sequence, byte[] Hash, byte[] Seal)> HeadAsync(string database)
    {
        await using var connection = Open(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Sequence\", \"Hash\", \"Seal\" FROM \"AuditChainHead\"";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), (byte[])reader[1], (byte[])reader[2]);
    }

    /// <summary>Deletes the entries after <paramref name="head"/> and puts it back, as someone with access to the file could.</summary>
    private async Task PutBackAsync(string database, (long Sequence, byte[] Hash, byte[] Seal) head)
    {
        await using var connection = Open(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM "AuditLog" WHERE "Sequence" > $sequence;
            UPDATE "AuditChainHead" SET "Sequence" = $sequence, "Hash" = $hash, "Seal" = $seal;
            """;
        command.Parameters.AddWithValue("$sequence", head.Sequence);
        command.Parameters.AddWithValue("$hash", head.Hash);
        command.Parameters.AddWithValue("$seal", head.Seal);
        await command.ExecuteNonQueryAsync();
    }
}
