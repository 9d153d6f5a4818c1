using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>
/// Checkpoints of the chains' heads, kept outside the databases: what someone with database access but without the
/// key can still do to a chain (put an older genuine head back over a shortened chain, empty it) is found against
/// them, and the checkpoints themselves are new sealed files, never rewritten.
/// </summary>
public abstract class AuditAnchorTests(TestProvider provider) : IAsyncLifetime
{
    /// <summary>The shard tampered with: a registration and three corrections after setup (entries 1 to 4).</summary>
    private const string Shard = "shard-0";

    private static readonly TestUser Clerk = TestUser.Admin with { AccountId = "anchor-clerk-id", UserName = "anchors@clinic.test" };

    private readonly FakeTimeProvider _clock = new(TestPatients.Now) { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };
    private ShardedDatabase _db = default!;
    private PatientDto _patient = default!;

    private static CancellationToken None => CancellationToken.None;

    private string AnchorFolder => Path.Combine(_db.DataFolder, "audit-anchors");

    public async Task InitializeAsync()
    {
        _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, clock: _clock);
        _patient = await _db.Get<IPatientStore>().AddAsync(
            AuditActor.Of(Clerk), TestPatients.New(id: TestPatients.IdOnShard(_db.Get<IShardMap>(), Shard)), None);
        await _db.Get<IPatientStore>().AddAsync(AuditActor.Of(Clerk), TestPatients.New(id: TestPatients.IdOnShard(_db.Get<IShardMap>(), "shard-1")), None);
        await CorrectAsync(3);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task WriteVerifiedAsync_IntactChains_WritesOneNewSealedFilePerDatabaseInTheDataFolderAndNoTemporaryFile()
    {
        // Act
        var written = await _db.Get<IAuditAnchors>().WriteVerifiedAsync(await _db.Get<IAuditStore>().VerifyAsync(None), None);

        // Assert
        Assert.Equal(AuditTrail.Databases(_db), written.Select(a => a.Database));
        Assert.Equal(4, written.Single(a => a.Database == Shard).Sequence);
        Assert.Equal(written.Select(a => a.Name).Order(StringComparer.Ordinal), Files().Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AnchorFolder, written.Single(a => a.Database == Shard).Name)))!;
        var head = await AuditTrail.HeadAsync(_db, Shard);
        Assert.Equal((Shard, 4L, Convert.ToBase64String(head.Hash), true),
            (file["database"]!.GetValue<string>(), file["sequence"]!.GetValue<long>(), file["hash"]!.GetValue<string>(), file["headSealedWithName"]!.GetValue<bool>()));
        Assert.Empty(Directory.EnumerateFiles(AnchorFolder, "*.tmp"));
    }

    [Fact]
    public async Task WriteVerifiedAsync_AgainAfterMoreEntries_AddsNewFilesAndLeavesEveryEarlierOneAsItWas()
    {
        // Arrange
        var anchors = _db.Get<IAuditAnchors>();
        await anchors.WriteVerifiedAsync(await _db.Get<IAuditStore>().VerifyAsync(None), None);
        var before = Files().ToDictionary(f => f, File.ReadAllBytes);
        await CorrectAsync(1);

        // Act
        var written = await anchors.WriteVerifiedAsync(await _db.Get<IAuditStore>().VerifyAsync(None), None);

        // Assert
        Assert.Equal(before.Count * 2, Files().Count);
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
        Assert.Equal(5, written.Single(a => a.Database == Shard).Sequence);
        var verified = (await _db.Get<IAuditStore>().VerifyAsync(None)).Single(r => r.Database == Shard);
        Assert.True(verified.IsIntact, verified.Problem?.Description);
        Assert.Equal(written.Single(a => a.Database == Shard), verified.NewestAnchor);
    }

    [Fact]
    public async Task WriteVerifiedAsync_ABrokenChain_GetsNoCheckpointTheOthersDo()
    {
        // Arrange
        await AuditTrail.ExecuteAsync(_db, Shard, "UPDATE \"AuditLog\" SET \"ActorName\" = 'mallory' WHERE \"Sequence\" = 2");

        // Act
        var written = await _db.Get<IAuditAnchors>().WriteVerifiedAsync(await _db.Get<IAuditStore>().VerifyAsync(None), None);

        // Assert
        Assert.Equal(AuditTrail.Databases(_db).Where(d => d != Shard), written.Select(a => a.Database));
    }

    [Fact]
    public async Task VerifyAsync_OlderGenuineHeadPutBackOverAShortenedChain_ReportsRolledBackNamingTheCheckpoint()
    {
        // Arrange: the head after entry 4 is kept; two more entries and a checkpoint follow; then the chain is cut back
        // to entry 4 and the kept head, genuine and sealed, is put back. The chain alone verifies.
        var old = await AuditTrail.HeadAsync(_db, Shard);
        await CorrectAsync(2);
        var checkpoint = await CheckpointAsync();
        await PutBackAsync(old);

        // Act
        var result = await VerifyShardAsync();

        // Assert
        Assert.Equal((5L, ChainProblemKind.RolledBack), (result.Problem?.Sequence, result.Problem?.Kind));
        Assert.Contains(checkpoint.Name, result.Problem!.Description, StringComparison.Ordinal);
        Assert.Contains("entry 6", result.Problem.Description, StringComparison.Ordinal);
        Assert.Equal(4, result.Entries);
    }

    [Fact]
    public async Task VerifyAsync_ChainEmptiedAndHeadReset_ReportsRolledBackNamingTheCheckpoint()
    {
        // Arrange: every entry deleted and the head set back to the empty chain's, which carries no seal to check.
        var checkpoint = await CheckpointAsync();
        await AuditTrail.ExecuteAsync(_db, Shard,
            "DELETE FROM \"AuditLog\"; UPDATE \"AuditChainHead\" SET \"Sequence\" = 0, \"Hash\" = @zero, \"Seal\" = @none",
            ("@zero", new byte[32]), ("@none", Array.Empty<byte>()));

        // Act
        var result = await VerifyShardAsync();

        // Assert
        Assert.Equal((1L, ChainProblemKind.RolledBack), (result.Problem?.Sequence, result.Problem?.Kind));
        Assert.Contains("empty", result.Problem!.Description, StringComparison.Ordinal);
        Assert.Contains(checkpoint.Name, result.Problem.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_OlderHeadPutBackAndTheChainWrittenOnPastTheCheckpoint_ReportsTheEntryAtTheCheckpoint()
    {
        // Arrange: as above, but the portal went on writing after the head was put back, past the checkpoint's sequence.
        var old = await AuditTrail.HeadAsync(_db, Shard);
        await CorrectAsync(2);
        var checkpoint = await CheckpointAsync();
        await PutBackAsync(old);
        await CorrectAsync(3);

        // Act
        var result = await VerifyShardAsync();

        // Assert
        Assert.Equal((6L, ChainProblemKind.RolledBack), (result.Problem?.Sequence, result.Problem?.Kind));
        Assert.Contains(checkpoint.Name, result.Problem!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_CheckpointEdited_ReportsTheAnchorDirectoryAsBadAndStillChecksTheChains()
    {
        // Arrange: somebody moves a checkpoint back, so that a shortened chain would pass it.
        var checkpoint = await CheckpointAsync();
        var path = Path.Combine(AnchorFolder, checkpoint.Name);
        var file = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        file["sequence"] = 1;
        await File.WriteAllTextAsync(path, file.ToJsonString());

        // Act
        var results = await _db.Get<IAuditStore>().VerifyAsync(None);

        // Assert
        var bad = results.Single(r => r.Database == AuditAnchorFiles.ReportName);
        Assert.Equal(ChainProblemKind.BadCheckpoint, bad.Problem?.Kind);
        Assert.Contains(checkpoint.Name, bad.Problem!.Description, StringComparison.Ordinal);
        Assert.All(results.Where(r => r != bad), r => Assert.True(r.IsIntact, r.Problem?.Description));
    }

    [Fact]
    public async Task VerifyAsync_CheckpointForgedWithAnotherKey_ReportsTheAnchorDirectoryAsBad()
    {
        // Arrange: a checkpoint that claims a lower head, sealed by somebody who knows the format but not the key.
        var head = await AuditTrail.HeadAsync(_db, Shard);
        var forgerKey = RandomNumberGenerator.GetBytes(32);
        var writtenAt = _clock.GetUtcNow();
        Directory.CreateDirectory(AnchorFolder);
        await File.WriteAllTextAsync(Path.Combine(AnchorFolder, "20990101T000000Z-shard-0.json"), JsonSerializer.Serialize(new
        {
            database = Shard,
            sequence = head.Sequence,
            hash = Convert.ToBase64String(head.Hash),
            writtenAt,
            headSealedWithName = true,
            seal = Convert.ToBase64String(AuditSeal.ForAnchor(forgerKey, Shard, head.Sequence, head.Hash, writtenAt, headSealedWithName: true)),
        }));
        await File.WriteAllTextAsync(Path.Combine(AnchorFolder, "20990101T000001Z-shard-1.json"), "not a checkpoint");

        // Act
        var bad = (await _db.Get<IAuditStore>().VerifyAsync(None)).Single(r => r.Database == AuditAnchorFiles.ReportName);

        // Assert: the first bad file in name order, and both counted.
        Assert.Equal((ChainProblemKind.BadCheckpoint, 2L), (bad.Problem?.Kind, bad.Entries));
        Assert.Contains("20990101T000000Z-shard-0.json", bad.Problem!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_NoCheckpointYet_EveryChainIntactWithNoNewestAnchorAndNoAnchorDirectoryRow()
    {
        var results = await _db.Get<IAuditStore>().VerifyAsync(None);

        Assert.Equal(AuditTrail.Databases(_db), results.Select(r => r.Database));
        Assert.All(results, r => Assert.True(r.IsIntact && r.NewestAnchor is null, r.Problem?.Description));
    }

    [Fact]
    public async Task WriteScheduledAsync_TwoNodesAtOnce_OneWritesACheckpointPerDatabaseTheOtherSkips()
    {
        // Arrange
        await using var second = await ShardedDatabase.StartAsync(_db.Databases, clock: _clock);

        // Act
        var passes = await Task.WhenAll(_db.Get<IAuditAnchors>().WriteScheduledAsync(None), second.Get<IAuditAnchors>().WriteScheduledAsync(None));

        // Assert
        Assert.Single(passes, ran => ran);
        Assert.Equal(AuditTrail.Databases(_db).Count, Files().Count);
    }

    [Fact]
    public async Task WriteScheduledAsync_AnotherNodeRightAfterAPass_SkipsUntilTheCooldownIsOver()
    {
        // Arrange: the nodes tick on the same cron occurrence; one was a little faster.
        await using var second = await ShardedDatabase.StartAsync(_db.Databases, clock: _clock);
        Assert.True(await _db.Get<IAuditAnchors>().WriteScheduledAsync(None));

        // Act
        var right = await second.Get<IAuditAnchors>().WriteScheduledAsync(None);
        _clock.Advance(AuditAnchors.Cooldown);
        var later = await second.Get<IAuditAnchors>().WriteScheduledAsync(None);

        // Assert
        Assert.Equal((false, true), (right, later));
        Assert.Equal(2 * AuditTrail.Databases(_db).Count, Files().Count);
    }

    [Fact]
    public async Task WriteScheduledAsync_AHeadMovedWithoutTheKey_GetsNoCheckpoint()
    {
        // Arrange
        await AuditTrail.ExecuteAsync(_db, Shard, "UPDATE \"AuditChainHead\" SET \"Sequence\" = 2");

        // Act
        await _db.Get<IAuditAnchors>().WriteScheduledAsync(None);

        // Assert
        Assert.DoesNotContain(Files(), f => f.EndsWith($"-{Shard}.json", StringComparison.Ordinal));
        Assert.Equal(AuditTrail.Databases(_db).Count - 1, Files().Count);
    }

    [Fact]
    public async Task WriteScheduledAsync_ConfiguredDirectory_WritesThereRelativeToTheContentRoot()
    {
        // Arrange
        await using var node = await ShardedDatabase.StartAsync(_db.Databases, clock: _clock,
            settings: new Dictionary<string, string?> { ["Audit:AnchorDirectory"] = "anchors-elsewhere" });

        // Act
        await node.Get<IAuditAnchors>().WriteScheduledAsync(None);

        // Assert
        Assert.Equal(AuditTrail.Databases(_db).Count, Directory.GetFiles(Path.Combine(_db.Directory, "anchors-elsewhere"), "*.json").Length);
        Assert.Empty(Files());
    }

    private List<string> Files() =>
        Directory.Exists(AnchorFolder) ? [.. Directory.EnumerateFiles(AnchorFolder)] : [];

    private async Task CorrectAsync(int times)
    {
        var patients = _db.Get<PatientService>();
        for (var i = 0; i < times; i++)
        {
            _patient = await patients.UpdateAsync(
                Clerk, _patient.Id, TestPatients.Input() with { Phone = $"+1 555 010 {_patient.Version:0000}" }, _patient.Version, None);
        }
    }

    /// <summary>A checkpoint of every intact chain, as <c>verify-audit</c> ends; the shard's is returned.</summary>
    private async Task<AuditAnchor> CheckpointAsync() =>
        (await _db.Get<IAuditAnchors>().WriteVerifiedAsync(await _db.Get<IAuditStore>().VerifyAsync(None), None)).Single(a => a.Database == Shard);

    /// <summary>Deletes the entries after <paramref name="head"/> and puts it back, seal and all, as a database administrator could.</summary>
    private Task<int> PutBackAsync(AuditChainHead head) => AuditTrail.ExecuteAsync(_db, Shard,
        """
        DELETE FROM "AuditLog" WHERE "Sequence" > @sequence;
        UPDATE "AuditChainHead" SET "Sequence" = @sequence, "Hash" = @hash, "Seal" = @seal;
        """,
        ("@sequence", head.Sequence), ("@hash", head.Hash), ("@seal", head.Seal));

    private async Task<ChainVerification> VerifyShardAsync()
    {
        var results = await _db.Get<IAuditStore>().VerifyAsync(None);
        Assert.All(results.Where(r => r.Database != Shard), r => Assert.True(r.IsIntact, $"{r.Database}: {r.Problem?.Description}"));
        return results.Single(r => r.Database == Shard);
    }

    public sealed class OnSqlite() : AuditAnchorTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : AuditAnchorTests(TestProvider.Postgres);
}
