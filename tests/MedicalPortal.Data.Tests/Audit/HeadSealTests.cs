using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>
/// The chain head's seal names its database: a head (and chain) copied from another database does not verify, a head
/// sealed the earlier way still does until the next append seals it anew, and never after a checkpoint saw the new
/// seal. A verification that runs while entries are appended reports nothing.
/// </summary>
public abstract class HeadSealTests(TestProvider provider) : IAsyncLifetime
{
    private static readonly TestUser Reader = TestUser.Admin with { AccountId = "seal-reader-id", UserName = "seals@clinic.test" };

    private ShardedDatabase _db = default!;
    private PatientDto _onZero = default!;

    private static CancellationToken None => CancellationToken.None;

    private byte[] Key => _db.Get<AuditKeyRing>().Key;

    public async Task InitializeAsync()
    {
        _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2);
        var map = _db.Get<IShardMap>();
        _onZero = await _db.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(id: TestPatients.IdOnShard(map, "shard-0")), None);
        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(id: TestPatients.IdOnShard(map, "shard-1")), None);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Theory]
    [InlineData("shard-0")]
    [InlineData(AuditTrail.Catalog)]
    public async Task Append_SealsTheHeadWithItsDatabasesName(string database)
    {
        // Act: a read on the shard goes through the access log's prepared statements; the catalog's entries through SaveChanges.
        await _db.Get<PatientService>().GetAsync(Reader, _onZero.Id, None);

        // Assert
        var head = await AuditTrail.HeadAsync(_db, database);
        Assert.True(head.Sequence > 0);
        Assert.Equal(AuditSeal.ForHead(Key, database, head.Sequence, head.Hash), head.Seal);
        Assert.Equal(HeadSeal.Named, AuditSeal.SealOf(Key, database, head));
        Assert.Equal(HeadSeal.Forged, AuditSeal.SealOf(Key, "shard-1", head));
    }

    [Fact]
    public async Task VerifyAsync_ChainAndHeadCopiedFromAnotherShard_DoesNotVerify()
    {
        // Arrange: shard-0's chain replaced by shard-1's, every entry and the head as they are, sealed and all.
        var entries = await AuditTrail.EntriesAsync(_db, "shard-1");
        var head = await AuditTrail.HeadAsync(_db, "shard-1");
        await AuditTrail.ExecuteAsync(_db, "shard-0", "DELETE FROM \"AuditLog\"");
        await using (var context = _db.OpenShard("shard-0"))
        {
            // In a strategy and a transaction of its own: a retrying strategy (PostgreSQL's) refuses a transaction begun
            // outside it, and a save without one would be taken for a fresh audited save.
            await context.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await context.Database.BeginTransactionAsync();
                context.AddRange(entries);
                await context.SaveChangesAsync();
                await transaction.CommitAsync();
            });
        }

        await AuditTrail.ExecuteAsync(_db, "shard-0", "UPDATE \"AuditChainHead\" SET \"Sequence\" = @sequence, \"Hash\" = @hash, \"Seal\" = @seal",
            ("@sequence", head.Sequence), ("@hash", head.Hash), ("@seal", head.Seal));

        // Act
        var results = await _db.Get<IAuditStore>().VerifyAsync(None);

        // Assert: the head points at the chain's last entry, but its seal is not shard-0's, so it is taken for a head
        // moved back over deleted entries: whatever the story, the chain does not verify.
        var copied = results.Single(r => r.Database == "shard-0");
        Assert.Equal((head.Sequence + 1, ChainProblemKind.Missing), (copied.Problem?.Sequence, copied.Problem?.Kind));
        Assert.True(results.Single(r => r.Database == "shard-1").IsIntact);
    }

    [Fact]
    public async Task VerifyAsync_HeadSealedTheEarlierWay_IsIntactAndTheNextAppendSealsItWithTheName()
    {
        // Arrange: the head as an installation from before this change left it.
        var head = await AuditTrail.HeadAsync(_db, "shard-0");
        await SealTheEarlierWayAsync(head);

        // Act
        var before = (await _db.Get<IAuditStore>().VerifyAsync(None)).Single(r => r.Database == "shard-0");
        await _db.Get<PatientService>().GetAsync(Reader, _onZero.Id, None);

        // Assert
        Assert.True(before.IsIntact, before.Problem?.Description);
        var after = await AuditTrail.HeadAsync(_db, "shard-0");
        Assert.Equal(head.Sequence + 1, after.Sequence);
        Assert.Equal(HeadSeal.Named, AuditSeal.SealOf(Key, "shard-0", after));
        Assert.All(await _db.Get<IAuditStore>().VerifyAsync(None), r => Assert.True(r.IsIntact, r.Problem?.Description));
    }

    [Fact]
    public async Task VerifyAsync_HeadSealedTheEarlierWayAfterACheckpointSawTheNewSeal_ReportsRolledBack()
    {
        // Arrange: a checkpoint of the head sealed with its name; then the head is sealed the earlier way, which only an
        // older copy of the head (or one from another database) can be.
        var checkpoint = (await _db.Get<IAuditAnchors>().WriteVerifiedAsync(await _db.Get<IAuditStore>().VerifyAsync(None), None))
            .Single(a => a.Database == "shard-0");
        await SealTheEarlierWayAsync(await AuditTrail.HeadAsync(_db, "shard-0"));

        // Act
        var result = (await _db.Get<IAuditStore>().VerifyAsync(None)).Single(r => r.Database == "shard-0");

        // Assert
        Assert.Equal(ChainProblemKind.RolledBack, result.Problem?.Kind);
        Assert.Contains(checkpoint.Name, result.Problem!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_WhileReadsAreAppended_ReportsEveryChainIntact()
    {
        // Arrange: readers keep appending to shard-0's chain the whole time.
        using var stop = new CancellationTokenSource();
        var patients = _db.Get<PatientService>();
        var reading = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await patients.GetAsync(Reader, _onZero.Id, None);
            }
        });

        var start = (await AuditTrail.HeadAsync(_db, "shard-0")).Sequence;
        try
        {
            // Act: verify again and again until the readers have appended at least 20 entries meanwhile (how many
            // rounds that takes depends on how busy the machine is), and 20 rounds at least.
            var rounds = new List<IReadOnlyList<ChainVerification>>();
            while (rounds.Count < 20 || ((await AuditTrail.HeadAsync(_db, "shard-0")).Sequence < start + 20 && rounds.Count < 2_000))
            {
                rounds.Add(await _db.Get<IAuditStore>().VerifyAsync(None));
            }

            // Assert
            Assert.All(rounds.SelectMany(r => r), r => Assert.True(r.IsIntact, $"{r.Database}: {r.Problem?.Description}"));
        }
        finally
        {
            await stop.CancelAsync();
            await reading;
        }

        Assert.True((await AuditTrail.HeadAsync(_db, "shard-0")).Sequence >= start + 20, "The readers appended too little to overlap the verifications.");
    }

    private Task<int> SealTheEarlierWayAsync(AuditChainHead head) => AuditTrail.ExecuteAsync(_db, "shard-0",
        "UPDATE \"AuditChainHead\" SET \"Seal\" = @seal", ("@seal", AuditSeal.ForLegacyHead(Key, head.Sequence, head.Hash)));

    public sealed class OnSqlite() : HeadSealTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : HeadSealTests(TestProvider.Postgres);
}
