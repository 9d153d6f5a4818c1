using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>Who looked at which patient: recorded in the patient's shard before the record is handed out.</summary>
public abstract class AccessLogTests(TestProvider provider) : IAsyncLifetime
{
    private const string SearchName = "Accesslogged";

    private static readonly TestUser Reader = TestUser.InRoles(RoleNames.Nurse) with { AccountId = "reader-id", UserName = "reader@clinic.test" };

    private ShardedDatabase _db = default!;

    private static CancellationToken None => CancellationToken.None;

    private IShardMap Map => _db.Get<IShardMap>();

    private PatientService Patients => _db.Get<PatientService>();

    // The real clock: one batch shares one timestamp, and separate batches must be told apart by theirs.
    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GetAsync_Patient_RecordsAReadEntryInItsShardBeforeReturning()
    {
        var patient = await AddPatientAsync("shard-1");
        var mark = await AuditTrail.MarkAsync(_db);

        var shown = await Patients.GetAsync(Reader, patient.Id, None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync("shard-1"));
        Assert.Equal(patient.Id, shown.Id);
        Assert.Equal(
            (nameof(AuditAction.Read), nameof(Resource.Patient), patient.Id.ToString(), (Guid?)patient.Id, Reader.AccountId, Reader.UserName),
            (entry.Action, entry.Resource, entry.ResourceId, entry.PatientId, entry.ActorId, entry.ActorName));
        Assert.Equal([patient.Id], AuditTrail.PatientIds(entry));
        Assert.Equal("[]", entry.Changes);
    }

    [Fact]
    public async Task GetAsync_Visit_RecordsAReadEntryNamingTheVisitAndItsPatient()
    {
        var patient = await AddPatientAsync("shard-0");
        var visit = await _db.Get<VisitService>().RecordAsync(TestUser.Admin, patient.Id, TestVisits.Input(), None);
        var mark = await AuditTrail.MarkAsync(_db);

        await _db.Get<VisitService>().GetAsync(Reader, visit.Id, None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync("shard-0"));
        Assert.Equal(
            (nameof(AuditAction.Read), nameof(Resource.Visit), visit.Id.ToString(), (Guid?)patient.Id, Reader.AccountId),
            (entry.Action, entry.Resource, entry.ResourceId, entry.PatientId, entry.ActorId));
    }

    [Fact]
    public async Task SearchAsync_PatientsOnBothShards_WritesOneEntryPerShardListingExactlyItsShownPatients()
    {
        var onZero = new[] { await AddPatientAsync("shard-0", SearchName), await AddPatientAsync("shard-0", SearchName) };
        var onOne = new[] { await AddPatientAsync("shard-1", SearchName) };
        await AddPatientAsync("shard-1", "Notshown");
        var mark = await AuditTrail.MarkAsync(_db);

        var page = await Patients.SearchAsync(Reader, PatientSearch.Parse(SearchName, cursor: null, limit: null), None);

        Assert.Equal(3, page.Items.Count);
        var written = await mark.NewEntriesAsync();
        Assert.Empty(written[AuditTrail.Catalog]);
        foreach (var (shard, expected) in new[] { ("shard-0", onZero), ("shard-1", onOne) })
        {
            var entry = Assert.Single(written[shard]);
            Assert.Equal((nameof(AuditAction.Read), nameof(Resource.Patient), Reader.AccountId), (entry.Action, entry.Resource, entry.ActorId));
            Assert.Null(entry.ResourceId);
            Assert.Equal(expected.Select(p => p.Id).Order(), AuditTrail.PatientIds(entry).Order());
        }
    }

    [Fact]
    public async Task SearchAsync_NothingFound_RecordsNothing()
    {
        await AddPatientAsync("shard-0");
        var mark = await AuditTrail.MarkAsync(_db);

        var page = await Patients.SearchAsync(Reader, PatientSearch.Parse("Nobodyhere", cursor: null, limit: null), None);

        Assert.Empty(page.Items);
        Assert.All(await mark.NewEntriesAsync(), w => Assert.Empty(w.Value));
    }

    [Fact]
    public async Task GetAsync_HundredConcurrentReaders_EachGetsAnEntryWrittenInSharedBatches()
    {
        const int Readers = 100;
        var patient = await AddPatientAsync("shard-0");
        var mark = await AuditTrail.MarkAsync(_db);
        var readers = Enumerable.Range(0, Readers)
            .Select(i => Reader with { AccountId = $"reader-{i}", UserName = $"reader-{i}@clinic.test" })
            .ToList();

        var shown = await Task.WhenAll(readers.Select(r => Task.Run(() => Patients.GetAsync(r, patient.Id, None))));

        Assert.All(shown, p => Assert.Equal(patient.Id, p.Id));
        var entries = await mark.NewEntriesOnlyInAsync("shard-0");
        Assert.Equal(readers.Select(r => r.AccountId).Order(), entries.Select(e => e.ActorId).Order());
        var batches = entries.GroupBy(e => e.Timestamp).ToList();
        Assert.True(batches.Count < Readers, $"{Readers} readers were written in {batches.Count} transactions: no group commit.");
        Assert.Contains(batches, b => b.Count() > 1);
        Assert.All(await _db.Get<IAuditStore>().VerifyAsync(None), v => Assert.True(v.IsIntact, v.Problem?.Description));
    }

    [Fact]
    public async Task GetAsync_RecordReadsOff_RecordsNothing()
    {
        await using var db = await ShardedDatabase.CreateAsync(
            provider, shardCount: 2, configure: services => services.Configure<AuditOptions>(o => o.RecordReads = false));
        var patient = await db.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(), None);
        var mark = await AuditTrail.MarkAsync(db);

        var shown = await db.Get<PatientService>().GetAsync(Reader, patient.Id, None);
        await db.Get<PatientService>().SearchAsync(Reader, PatientSearch.Parse("Example", cursor: null, limit: null), None);

        Assert.Equal(patient.Id, shown.Id);
        Assert.All(await mark.NewEntriesAsync(), w => Assert.Empty(w.Value));
    }

    [Fact]
    public async Task GetAsync_AccessCannotBeRecorded_ThrowsInsteadOfReturningThePatient()
    {
        var patient = await AddPatientAsync("shard-1");
        var head = await AuditTrail.HeadAsync(_db, "shard-1");
        await RefuseAuditWritesAsync("shard-1");

        await Assert.ThrowsAnyAsync<Exception>(() => Patients.GetAsync(Reader, patient.Id, None));

        Assert.Equal(head.Sequence, (await AuditTrail.HeadAsync(_db, "shard-1")).Sequence);
    }

    [Fact]
    public async Task GetAsync_AfterAFailedWrite_RecordsTheNextRead()
    {
        var patient = await AddPatientAsync("shard-1");
        await RefuseAuditWritesAsync("shard-1");
        await Assert.ThrowsAnyAsync<Exception>(() => Patients.GetAsync(Reader, patient.Id, None));
        await AllowAuditWritesAsync("shard-1");
        var mark = await AuditTrail.MarkAsync(_db);

        await Patients.GetAsync(Reader, patient.Id, None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync("shard-1"));
        Assert.Equal((nameof(AuditAction.Read), (Guid?)patient.Id), (entry.Action, entry.PatientId));
        Assert.All(await _db.Get<IAuditStore>().VerifyAsync(None), v => Assert.True(v.IsIntact, v.Problem?.Description));
    }

    [Fact]
    public async Task GetAsync_ReadEntry_IsStoredInTheSameFormAsAChangeEntryWrittenBySaveChanges()
    {
        // The access log inserts its entries with its own prepared statement; SaveChanges writes the change entries.
        // Both must store every column alike (type and form), or queries (by patient, by time) would miss one kind.
        var patient = await AddPatientAsync("shard-1");
        await Patients.GetAsync(Reader, patient.Id, None);
        var (create, read) = (await AuditTrail.EntriesAsync(_db, "shard-1")) switch
        {
            var all => (all.Single(e => e.Action == nameof(AuditAction.Create)).Sequence, all.Single(e => e.Action == nameof(AuditAction.Read)).Sequence),
        };

        foreach (var column in new[] { "Timestamp", "PatientId", "ResourceId", "Hash", "PreviousHash" })
        {
            // The stored type and size of the value: SQLite keeps a type per value; PostgreSQL's column has one type, but
            // a value's size still tells text from binary forms.
            var shape = _db.Provider == TestProvider.Sqlite
                ? $"SELECT typeof(\"{column}\") || ':' || length(\"{column}\") FROM \"AuditLog\" WHERE \"Sequence\" = @sequence"
                : $"SELECT pg_typeof(\"{column}\")::text || ':' || pg_column_size(\"{column}\") FROM \"AuditLog\" WHERE \"Sequence\" = @sequence";
            Assert.Equal(
                await AuditTrail.ScalarAsync(_db, "shard-1", shape, ("@sequence", create)),
                await AuditTrail.ScalarAsync(_db, "shard-1", shape, ("@sequence", read)));
        }

        Assert.Equal(
            await AuditTrail.ScalarAsync(_db, "shard-1", "SELECT \"PatientId\" FROM \"AuditLog\" WHERE \"Sequence\" = @s", ("@s", create)),
            await AuditTrail.ScalarAsync(_db, "shard-1", "SELECT \"PatientId\" FROM \"AuditLog\" WHERE \"Sequence\" = @s", ("@s", read)));
    }

    [Fact]
    public async Task Append_MoreEntriesThanOneInsertCarries_StoresEachOnceInOrderAndTheChainVerifies()
    {
        // Arrange: two full statements' worth of entries and part of a third, as the access log's writer appends a
        // large group of reads.
        const int Count = (2 * AuditChainStatements.RowsPerInsert) + 7;
        var mark = await AuditTrail.MarkAsync(_db);
        var entries = Enumerable.Range(0, Count)
            .Select(i => new AuditEntry
            {
                ActorId = $"reader-{i}", ActorName = $"reader-{i}", Action = nameof(AuditAction.Read), Resource = nameof(Resource.Patient),
                ResourceId = $"record-{i}", PatientIds = "[]",
            })
            .ToList();

        // Act
        await using (var context = _db.OpenShard("shard-0"))
        {
            await context.Database.OpenConnectionAsync();
            await using var statements = new AuditChainStatements(context);
            await using var transaction = await context.Database.BeginTransactionAsync();
            await _db.Get<AuditChain>().AppendAsync(statements, entries, None);
            await transaction.CommitAsync();
        }

        // Assert
        var stored = (await mark.NewEntriesOnlyInAsync("shard-0")).OrderBy(e => e.Sequence).ToList();
        Assert.Equal(entries.Select(e => e.ActorId), stored.Select(e => e.ActorId));
        Assert.Equal(entries.Select(e => e.ResourceId), stored.Select(e => e.ResourceId));
        Assert.Equal(entries.Select(e => e.Hash), stored.Select(e => e.Hash));
        Assert.All(await _db.Get<IAuditStore>().VerifyAsync(None), v => Assert.True(v.IsIntact, v.Problem?.Description));
    }

    private async Task<PatientDto> AddPatientAsync(string shard, string family = "Example") =>
        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(family: family, id: TestPatients.IdOnShard(Map, shard)), None);

    /// <summary>Makes every insert into the shard's audit log fail, as a full disk or a lost file would.</summary>
    private Task<int> RefuseAuditWritesAsync(string shard) => AuditTrail.ExecuteAsync(_db, shard, _db.Provider == TestProvider.Sqlite
        ? "CREATE TRIGGER \"RefuseAuditWrites\" BEFORE INSERT ON \"AuditLog\" BEGIN SELECT RAISE(ABORT, 'audit log unwritable'); END"
        : """
          CREATE FUNCTION "RefuseAuditWrites"() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''audit log unwritable''; END';
          CREATE TRIGGER "RefuseAuditWrites" BEFORE INSERT ON "AuditLog" FOR EACH ROW EXECUTE FUNCTION "RefuseAuditWrites"();
          """);

    private Task<int> AllowAuditWritesAsync(string shard) => AuditTrail.ExecuteAsync(_db, shard, _db.Provider == TestProvider.Sqlite
        ? "DROP TRIGGER \"RefuseAuditWrites\""
        : "DROP TRIGGER \"RefuseAuditWrites\" ON \"AuditLog\"; DROP FUNCTION \"RefuseAuditWrites\"();");

    public sealed class OnSqlite() : AccessLogTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : AccessLogTests(TestProvider.Postgres);
}
