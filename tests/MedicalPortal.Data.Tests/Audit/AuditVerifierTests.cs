using System.Security.Cryptography;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Keys;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>
/// Raw SQL on a shard's audit log, the way someone with database access but without the key would tamper with it:
/// every kind of change is found, and named by database, sequence and kind.
/// </summary>
public abstract class AuditVerifierTests(TestProvider provider) : IAsyncLifetime
{
    /// <summary>The shard tampered with; its chain has exactly <see cref="Last"/> entries after setup.</summary>
    private const string Shard = "shard-0";
    private const long Last = 5;

    private static readonly TestUser Clerk = TestUser.Admin with { AccountId = "verifier-clerk-id", UserName = "verifier@clinic.test" };

    private readonly FakeTimeProvider _clock = new(TestPatients.Now) { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };
    private ShardedDatabase _db = default!;

    private static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, clock: _clock);
        var map = _db.Get<IShardMap>();
        var patients = _db.Get<PatientService>();

        // shard-0: a registration, three corrections and a visit (entries 1 to 5); shard-1 and the catalog get some too.
        var patient = await _db.Get<IPatientStore>().AddAsync(AuditActor.Of(Clerk), TestPatients.New(id: TestPatients.IdOnShard(map, Shard)), None);
        await _db.Get<IPatientStore>().AddAsync(AuditActor.Of(Clerk), TestPatients.New(id: TestPatients.IdOnShard(map, "shard-1")), None);

        foreach (var phone in new[] { "+1 555 010 0001", "+1 555 010 0002", "+1 555 010 0003" })
        {
            patient = await patients.UpdateAsync(Clerk, patient.Id, TestPatients.Input() with { Phone = phone }, patient.Version, None);
        }

        await _db.Get<VisitService>().RecordAsync(Clerk, patient.Id, TestVisits.Input(), None);
        await _db.Get<StudyService>().CreateAsync(Clerk, TestStudies.Input(), None);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task VerifyAsync_UntouchedChainsAfterAMixOfWrites_ReportsEveryDatabaseIntactWithItsEntryCount()
    {
        var results = await _db.Get<IAuditStore>().VerifyAsync(None);

        Assert.Equal(AuditTrail.Databases(_db), results.Select(r => r.Database));
        foreach (var result in results)
        {
            Assert.True(result.IsIntact, $"{result.Database}: {result.Problem?.Description}");
            Assert.Equal((await AuditTrail.EntriesAsync(_db, result.Database)).Count, result.Entries);
            Assert.True(result.Entries > 0, $"{result.Database} has no entries to verify.");
        }

        Assert.Equal(Last, results.Single(r => r.Database == Shard).Entries);
    }

    /// <summary>Column, new value, sequence. An instant is written as the provider stores it (<see cref="AuditTrail.StoredInstant"/>).</summary>
    public static TheoryData<string, object?, long> Edits => new()
    {
        { "ActorName", "mallory", 3 },
        { "ActorId", "someone-else", 3 },
        { "Changes", "[]", 3 },
        { "Action", "Read", 3 },
        { "ResourceId", "another-record", 3 },
        { "Timestamp", new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), 3 },
        { "PatientId", null, 3 },
        { "PatientIds", "[\"00000000-0000-0000-0000-000000000001\"]", 3 },
        { "CorrelationId", "forged-trace", 3 },
        { "ActorName", "mallory", 1 },
        { "ActorName", "mallory", Last },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public async Task VerifyAsync_ValueEdited_ReportsChangedAtThatSequence(string column, object? value, long sequence)
    {
        await TamperAsync($"UPDATE \"AuditLog\" SET \"{column}\" = @value WHERE \"Sequence\" = @sequence", ("@value", value), ("@sequence", sequence));

        var problem = await ProblemInAsync(Shard);

        Assert.Equal((sequence, ChainProblemKind.Changed), (problem.Sequence, problem.Kind));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(Last)]
    public async Task VerifyAsync_RowDeleted_ReportsMissingAtThatSequence(long sequence)
    {
        await TamperAsync("DELETE FROM \"AuditLog\" WHERE \"Sequence\" = @sequence", ("@sequence", sequence));

        var problem = await ProblemInAsync(Shard);

        Assert.Equal((sequence, ChainProblemKind.Missing), (problem.Sequence, problem.Kind));
    }

    [Fact]
    public async Task VerifyAsync_LastRowsDeletedAndHeadMovedBack_ReportsTheHeadAsChanged()
    {
        // Deleting the tail and resetting the head to the last remaining entry's sequence but not its hash.
        await TamperAsync("DELETE FROM \"AuditLog\" WHERE \"Sequence\" >= 4; UPDATE \"AuditChainHead\" SET \"Sequence\" = 3");

        var problem = await ProblemInAsync(Shard);

        Assert.Equal((3L, ChainProblemKind.Changed), (problem.Sequence, problem.Kind));
    }

    [Fact]
    public async Task VerifyAsync_LastRowDeletedAndHeadRolledBackToTheEntryBefore_ReportsMissing()
    {
        // No key is needed for this: the head is set to the sequence and the (stored) hash of the entry before.
        await TamperAsync(
            """
            DELETE FROM "AuditLog" WHERE "Sequence" = @last;
            UPDATE "AuditChainHead" SET "Sequence" = @last - 1, "Hash" = (SELECT "Hash" FROM "AuditLog" WHERE "Sequence" = @last - 1);
            """,
            ("@last", Last));

        var problem = await ProblemInAsync(Shard);

        Assert.Equal((Last, ChainProblemKind.Missing), (problem.Sequence, problem.Kind));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VerifyAsync_ForgedRowAppended_ReportsInsertedAtItsSequence(bool headMovedToIt)
    {
        // A copy of the last entry under a new name and the next sequence, linked to it, with a hash made up without the key.
        await TamperAsync(
            """
            INSERT INTO "AuditLog" ("Sequence", "Timestamp", "ActorId", "ActorName", "Action", "Resource", "ResourceId",
                "PatientId", "Changes", "PatientIds", "CorrelationId", "PreviousHash", "Hash")
            SELECT "Sequence" + 1, "Timestamp", "ActorId", 'mallory', "Action", "Resource", "ResourceId",
                "PatientId", "Changes", "PatientIds", "CorrelationId", "Hash", @forged
            FROM "AuditLog" WHERE "Sequence" = @last
            """,
            ("@forged", RandomNumberGenerator.GetBytes(32)),
            ("@last", Last));
        if (headMovedToIt)
        {
            await TamperAsync(
                "UPDATE \"AuditChainHead\" SET \"Sequence\" = @next, \"Hash\" = (SELECT \"Hash\" FROM \"AuditLog\" WHERE \"Sequence\" = @next)",
                ("@next", Last + 1));
        }

        var problem = await ProblemInAsync(Shard);

        Assert.Equal((Last + 1, ChainProblemKind.Inserted), (problem.Sequence, problem.Kind));
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(2, Last)]
    [InlineData(1, 4)]
    public async Task VerifyAsync_TwoSequencesSwapped_ReportsReorderedAtTheFirst(long first, long second)
    {
        await TamperAsync(
            """
            UPDATE "AuditLog" SET "Sequence" = -1 WHERE "Sequence" = @first;
            UPDATE "AuditLog" SET "Sequence" = @first WHERE "Sequence" = @second;
            UPDATE "AuditLog" SET "Sequence" = @second WHERE "Sequence" = -1;
            """,
            ("@first", first),
            ("@second", second));

        var problem = await ProblemInAsync(Shard);

        Assert.Equal((first, ChainProblemKind.Reordered), (problem.Sequence, problem.Kind));
    }

    [Fact]
    public async Task VerifyAsync_ChainHeadHashTampered_ReportsChangedAtTheHead()
    {
        await TamperAsync("UPDATE \"AuditChainHead\" SET \"Hash\" = @hash", ("@hash", RandomNumberGenerator.GetBytes(32)));

        var problem = await ProblemInAsync(Shard);

        Assert.Equal((Last, ChainProblemKind.Changed), (problem.Sequence, problem.Kind));
    }

    [Fact]
    public async Task VerifyAsync_ChainHeadSequenceRaised_ReportsMissingAfterTheLastEntry()
    {
        await TamperAsync("UPDATE \"AuditChainHead\" SET \"Sequence\" = @sequence", ("@sequence", Last + 1));

        var problem = await ProblemInAsync(Shard);

        Assert.Equal((Last + 1, ChainProblemKind.Missing), (problem.Sequence, problem.Kind));
    }

    [Fact]
    public async Task VerifyAsync_ChainHeadSequenceLowered_ReportsTheEntryBeyondIt()
    {
        await TamperAsync("UPDATE \"AuditChainHead\" SET \"Sequence\" = @sequence", ("@sequence", Last - 1));

        var problem = await ProblemInAsync(Shard);

        Assert.Equal(Last, problem.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_EditedEntryResealedWithAnotherKey_ReportsChangedAtTheEditedEntry()
    {
        // Someone who knows the algorithm but not the key edits entry 3 and recomputes every hash from there on.
        var forgerKey = RandomNumberGenerator.GetBytes(SecretKeySetting.MinimumBytes);
        var entries = await AuditTrail.EntriesAsync(_db, Shard);
        var previous = entries[1].Hash;
        foreach (var entry in entries.Skip(2))
        {
            if (entry.Sequence == 3)
            {
                entry.ActorName = "mallory";
            }

            entry.PreviousHash = previous;
            entry.Hash = AuditSeal.Compute(forgerKey, entry);
            previous = entry.Hash;
            await TamperAsync(
                "UPDATE \"AuditLog\" SET \"ActorName\" = @actor, \"PreviousHash\" = @previous, \"Hash\" = @hash WHERE \"Sequence\" = @sequence",
                ("@actor", entry.ActorName), ("@previous", entry.PreviousHash), ("@hash", entry.Hash), ("@sequence", entry.Sequence));
        }

        await TamperAsync("UPDATE \"AuditChainHead\" SET \"Hash\" = @hash", ("@hash", previous));

        await using var context = _db.OpenShard(Shard);
        var result = await new AuditVerifier(_db.Get<AuditKeyRing>().Key).VerifyAsync(context, Shard, [], None);

        Assert.Equal(Shard, result.Database);
        Assert.Equal(2, result.Entries);
        Assert.Equal((3L, ChainProblemKind.Changed), (result.Problem?.Sequence, result.Problem?.Kind));
    }

    [Fact]
    public async Task VerifyAsync_DirectlyWithTheWrongKey_ReportsTheFirstEntry()
    {
        await using var context = _db.OpenShard(Shard);

        var result = await new AuditVerifier(RandomNumberGenerator.GetBytes(SecretKeySetting.MinimumBytes)).VerifyAsync(context, Shard, [], None);

        Assert.False(result.IsIntact);
        Assert.Equal(1, result.Problem!.Sequence);
    }

    [Theory]
    [InlineData("UPDATE \"AuditLog\" SET \"ActorName\" = 'mallory' WHERE \"Sequence\" = 2000", 2000, ChainProblemKind.Changed)]
    [InlineData("UPDATE \"AuditLog\" SET \"ActorName\" = 'mallory' WHERE \"Sequence\" = 2001", 2001, ChainProblemKind.Changed)]
    [InlineData("DELETE FROM \"AuditLog\" WHERE \"Sequence\" = 2001", 2001, ChainProblemKind.Missing)]
    [InlineData(
        "UPDATE \"AuditLog\" SET \"Sequence\" = -1 WHERE \"Sequence\" = 2000; UPDATE \"AuditLog\" SET \"Sequence\" = 2000 WHERE \"Sequence\" = 2001; UPDATE \"AuditLog\" SET \"Sequence\" = 2001 WHERE \"Sequence\" = -1;",
        2000,
        ChainProblemKind.Reordered)]
    public async Task VerifyAsync_LongChainTamperedAtTheBatchBoundary_ReportsIt(string tampering, long sequence, ChainProblemKind kind)
    {
        const string Long = "shard-1";
        await using (var context = _db.OpenShard(Long))
        {
            // In a strategy of its own: a retrying one (PostgreSQL's) refuses a transaction begun outside it.
            await context.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await context.Database.BeginTransactionAsync();
                var entries = Enumerable.Range(0, 2100)
                    .Select(i => new AuditEntry { ActorName = "bulk", Action = nameof(AuditAction.Read), Resource = "Patient", ResourceId = $"record-{i}" })
                    .ToList();
                await _db.Get<AuditChain>().AppendAsync(context, entries, None);
                await context.SaveChangesAsync();
                await transaction.CommitAsync();
            });
        }

        var verifier = new AuditVerifier(_db.Get<AuditKeyRing>().Key);
        await using (var context = _db.OpenShard(Long))
        {
            var intact = await verifier.VerifyAsync(context, Long, [], None);
            Assert.True(intact.IsIntact, intact.Problem?.Description);
            Assert.Equal(2101, intact.Entries);
        }

        await AuditTrail.ExecuteAsync(_db, Long, tampering);

        await using (var context = _db.OpenShard(Long))
        {
            var result = await verifier.VerifyAsync(context, Long, [], None);
            Assert.Equal((sequence, kind), (result.Problem?.Sequence, result.Problem?.Kind));
        }
    }

    private Task<int> TamperAsync(string sql, params (string Name, object? Value)[] parameters) =>
        AuditTrail.ExecuteAsync(_db, Shard, sql, parameters);

    /// <summary>The problem <see cref="IAuditStore.VerifyAsync"/> reports for <paramref name="database"/>; every other chain must verify.</summary>
    private async Task<ChainProblem> ProblemInAsync(string database)
    {
        var results = await _db.Get<IAuditStore>().VerifyAsync(None);

        Assert.Equal(AuditTrail.Databases(_db), results.Select(r => r.Database));
        foreach (var other in results.Where(r => r.Database != database))
        {
            Assert.True(other.IsIntact, $"{other.Database}: {other.Problem?.Description}");
        }

        var result = results.Single(r => r.Database == database);
        Assert.False(result.IsIntact, $"{database} verified although it was tampered with.");
        Assert.False(string.IsNullOrWhiteSpace(result.Problem!.Description));
        return result.Problem;
    }

    public sealed class OnSqlite() : AuditVerifierTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : AuditVerifierTests(TestProvider.Postgres);
}
