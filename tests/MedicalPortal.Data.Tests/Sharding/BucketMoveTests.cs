using System.Collections.Concurrent;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Sharding;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Tests.Sharding;

/// <summary>
/// <c>shards move</c> on real databases: buckets 0-1023 of shard-0 go to shard-2, which an operator added with no
/// buckets. What was acknowledged is there afterwards, once; the source keeps nothing of the buckets; reads never go
/// back in time; the audit trail survives and names the move; a move stopped at any stage is finished by running it
/// again; a node whose map is stale follows the move through the fences.
/// </summary>
public abstract class BucketMoveTests(TestProvider provider) : IAsyncLifetime
{
    private const string Source = "shard-0";
    private const string Target = "shard-2";
    private const int First = 0;
    private const int Last = 1023;
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly AuditActor Operator = new(null, "shards move command (tester)");
    private static readonly AuditActor Clinician = new("clinician-1", "Dr Test");

    // A write that meets a freeze the test left in place gives up soon.
    private static readonly Dictionary<string, string?> Settings = new() { ["Database:MoveFreezeMaxSeconds"] = "2" };

    private TestDatabases _databases = default!;
    private ShardedDatabase _db = default!;
    private readonly List<Patient> _moving = [];
    private readonly List<Patient> _staying = [];
    private readonly Guid _study = Guid.CreateVersion7();

    public async Task InitializeAsync()
    {
        _databases = await TestDatabases.CreateAsync(provider, shardCount: 3);

        // Two shards in the map; the third added as an operator adds one.
        _db = await ShardedDatabase.StartAsync(_databases, shardCount: 2, settings: Settings);
        var added = await _db.Get<IShardRegistry>().AddAsync(Target, _databases.Shards[2].ConnectionString, Operator, None);
        Assert.Equal(ShardAdditionOutcome.Added, added.Outcome);

        for (var i = 0; i < 12; i++)
        {
            _moving.Add(await AddPatientAsync(_db, $"Mover{Letters(i)}", IdInBuckets(First, Last)));
            _staying.Add(await AddPatientAsync(_db, $"Stayer{Letters(i)}", IdOnShardOutside(Source)));
        }

        _staying.Add(await AddPatientAsync(_db, "Elsewhere", TestPatients.IdOnShard(_db.Get<IShardMap>(), "shard-1")));

        // Their history: visits, a consent, a change, and a read (who viewed the record).
        foreach (var patient in _moving.Concat(_staying))
        {
            await _db.Get<IVisitStore>().AddAsync(Clinician, TestVisits.For(patient), None);
            await _db.Get<IEnrollmentStore>().AddAsync(Clinician, Enrollment.Consent(_study, patient.Id, TestPatients.Now.AddDays(-1), TestPatients.Now), None);
        }

        await _db.Get<IPatientStore>().UpdateAsync(Clinician, _moving[0].Id, 1, TestPatients.Input(_moving[0].GivenName, "Changed"), TestPatients.Now, None);
        await _db.Get<IAccessLog>().RecordAsync(new AccessRecord(Clinician, AuditAction.Read, Resource.Patient, _moving[1].Id.ToString(), [_moving[1].Id]), None);
    }

    public virtual async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _databases.DisposeAsync();
    }

    [Fact]
    public async Task MoveAsync_TheBucketsGoToTheTargetVerifiedAndTheSourceKeepsNothingOfThem()
    {
        var before = await SnapshotAsync(_db);

        var result = await _db.Get<IBucketMoves>().MoveAsync(First, Last, Target, Operator, progress: null, None);

        Assert.Equal(BucketMoveOutcome.Moved, result.Outcome);
        Assert.Equal((_moving.Count, _moving.Count, _moving.Count), (result.Move!.Patients, result.Move.Visits, result.Move.Enrollments));
        await AssertMovedAsync(before);
    }

    [Fact]
    public async Task MoveAsync_TheAuditTrailSurvives_WholeHistoryOnThePatientPageVerifiedEverywhereAndTheMoveItselfAudited()
    {
        await _db.Get<IBucketMoves>().MoveAsync(First, Last, Target, Operator, progress: null, None);

        await using var node = await ShardedDatabase.StartAsync(_databases, shardCount: 2, settings: Settings);
        var audit = node.Get<IAuditStore>();
        var changed = await audit.QueryAsync(new AuditQuery { PatientId = _moving[0].Id, Limit = 100 }, None);
        Assert.Contains(changed.Items, e => e.Action == AuditAction.Create && e.Resource == Resource.Patient && e.Database == Source);
        Assert.Contains(changed.Items, e => e.Action == AuditAction.Update && e.Resource == Resource.Patient && e.Database == Source);
        Assert.Contains(changed.Items, e => e.Action == AuditAction.Create && e.Resource == Resource.Visit);
        var viewed = await audit.QueryAsync(new AuditQuery { PatientId = _moving[1].Id, Action = AuditAction.Read, Limit = 100 }, None);
        Assert.Contains(viewed.Items, e => e.ActorName == Clinician.Name && e.Database == Source);

        // Read after the move: recorded in the target's own chain, beside the archived history.
        await node.Get<IAccessLog>().RecordAsync(new AccessRecord(Clinician, AuditAction.Read, Resource.Patient, null, [_moving[1].Id]), None);
        viewed = await audit.QueryAsync(new AuditQuery { PatientId = _moving[1].Id, Action = AuditAction.Read, Limit = 100 }, None);
        Assert.Equal([Target, Source], viewed.Items.Select(e => e.Database).ToList());

        var chains = await audit.VerifyAsync(None);
        Assert.All(chains, chain => Assert.True(chain.IsIntact, $"{chain.Database}: {chain.Problem?.Description}"));
        Assert.Contains(chains, chain => chain.Database == $"{Target} archive" && chain.Entries > 0);

        var moveEntries = await audit.QueryAsync(new AuditQuery { Actor = Operator.Name, Resource = Resource.Role, Limit = 100 }, None);
        Assert.All(new[] { "catalog", Source, Target }, database => Assert.Contains(moveEntries.Items, e => e.Database == database));
    }

    [Fact]
    public async Task MoveAsync_ARowCopiedWrongBeforeTheFreeze_IsFoundByItsContentAndCopiedAgain()
    {
        var before = await SnapshotAsync(_db);
        var mover = _db.Get<BucketMover>();
        var corrupted = false;
        mover.Checkpoint = async point =>
        {
            if (point == "archived" && !corrupted)
            {
                // The target's copy changed without its version: only a comparison of content finds it.
                corrupted = true;
                await using var target = _db.OpenShard(Target);
                Assert.Equal(1, await target.Patients.IgnoreQueryFilters().Where(p => p.Id == _moving[2].Id)
                    .ExecuteUpdateAsync(p => p.SetProperty(x => x.FamilyName, "Corrupted")));
            }
        };

        var result = await mover.MoveAsync(First, Last, Target, Operator, progress: null, None);

        Assert.True(corrupted);
        Assert.Equal(BucketMoveOutcome.Moved, result.Outcome);
        await AssertMovedAsync(before);
    }

    [Fact]
    public async Task MoveAsync_ChangesAfterTheLastCatchUp_AreFoundThroughTheAuditTrailCopiedAndVerifiedInsideTheFreeze()
    {
        var mover = _db.Get<BucketMover>();
        Snapshot? before = null;
        mover.Checkpoint = async point =>
        {
            if (point == "checked" && before is null)
            {
                // After the last catch-up and the verification, just before the freeze: a change, an insert, and a
                // consent withdrawn (an update), each on another patient of the range.
                await _db.Get<IPatientStore>().UpdateAsync(Clinician, _moving[5].Id, 1, TestPatients.Input(_moving[5].GivenName, "Late"), TestPatients.Now, None);
                await _db.Get<IVisitStore>().AddAsync(Clinician, TestVisits.For(_moving[6]), None);
                var consent = (await _db.Get<IEnrollmentStore>().ListForPatientAsync(_moving[7].Id, None)).Single();
                await _db.Get<IEnrollmentStore>().WithdrawAsync(Clinician, consent.Id, TestPatients.Now, None);
                before = await SnapshotAsync(_db);
            }
        };

        var result = await mover.MoveAsync(First, Last, Target, Operator, progress: null, None);

        Assert.Equal(BucketMoveOutcome.Moved, result.Outcome);
        Assert.Equal(_moving.Count + 1, result.Move!.Visits);
        await AssertMovedAsync(before!);
    }

    [Fact]
    public async Task MoveAsync_TheTargetDiffersInsideTheFreeze_StopsUnflippedWithTheSourceServingAndTheSameMoveAgainFinishes()
    {
        var mover = _db.Get<BucketMover>();
        mover.Checkpoint = async point =>
        {
            if (point == "caught-up")
            {
                await using var target = _db.OpenShard(Target);
                Assert.Equal(1, await target.Visits.IgnoreQueryFilters().Where(v => v.PatientId == _moving[3].Id).ExecuteDeleteAsync());
            }
        };

        var failed = await Assert.ThrowsAsync<BucketMoveVerificationException>(
            () => mover.MoveAsync(First, Last, Target, Operator, progress: null, None));

        Assert.Contains("Visits", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Patients", failed.Message, StringComparison.Ordinal);
        Assert.Equal(MoveStage.Copying, (await _db.Get<IBucketMoves>().UnfinishedAsync(None))?.Stage);
        Assert.Equal(Source, _db.Get<IShardMap>().ShardForPatient(_moving[3].Id));

        // The fence is lifted: the source takes writes to the buckets again, and the next run takes them along.
        await _db.Get<IVisitStore>().AddAsync(Clinician, TestVisits.For(_moving[3]), None);
        var before = await SnapshotAsync(_db);
        mover.Checkpoint = null;
        var result = await mover.MoveAsync(First, Last, Target, Operator, progress: null, None);

        Assert.Equal(BucketMoveOutcome.Moved, result.Outcome);
        Assert.Equal(_moving.Count + 1, result.Move!.Visits);
        await AssertMovedAsync(before);
    }

    [Fact]
    public async Task MoveAsync_AnArchivedEntryChangedAfterwards_VerifyAuditSaysSo()
    {
        await _db.Get<IBucketMoves>().MoveAsync(First, Last, Target, Operator, progress: null, None);

        await using (var target = _db.OpenShard(Target))
        {
            var archived = await target.ArchivedAuditEntries.FirstAsync(e => e.PatientId == _moving[0].Id);
            archived.ActorName = "Someone Else";
            await target.SaveChangesAsync();
        }

        var chains = await _db.Get<IAuditStore>().VerifyAsync(None);
        var archive = Assert.Single(chains, chain => chain.Database == $"{Target} archive");
        Assert.Equal(ChainProblemKind.Changed, archive.Problem?.Kind);
    }

    [Fact]
    public async Task MoveAsync_WhileTwoNodesWriteAndRead_EveryAcknowledgedWriteIsThereOnceAndNoReadGoesBackInTime()
    {
        // Arrange: a second node that never polls the map: it meets the move only through the fences.
        await using var stale = await ShardedDatabase.StartAsync(_databases, shardCount: 2, settings: Settings);
        var acknowledgedVisits = new ConcurrentBag<(Guid Patient, Guid Visit)>();
        var refusedVisits = new ConcurrentBag<Guid>();
        var lastAcknowledgedVersion = new ConcurrentDictionary<Guid, int>();
        var backInTime = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var phaseWrites = 0;

        async Task RecordVisitsAsync(ShardedDatabase node, Patient patient)
        {
            while (!stop.IsCancellationRequested)
            {
                var visit = TestVisits.For(patient);
                try
                {
                    await node.Get<IVisitStore>().AddAsync(Clinician, visit, None);
                    acknowledgedVisits.Add((patient.Id, visit.Id));
                    Interlocked.Increment(ref phaseWrites);
                }
                catch (ShardUnavailableException)
                {
                    refusedVisits.Add(visit.Id);
                }
            }
        }

        async Task UpdatePatientAsync(Patient patient)
        {
            // The one writer of this patient: each change is based on the version its last change made.
            var version = 1;
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var updated = await _db.Get<IPatientStore>().UpdateAsync(
                        Clinician, patient.Id, version, TestPatients.Input(patient.GivenName, $"Changed{Letters(++n)}"), TestPatients.Now, None);
                    version = updated.Version;
                    lastAcknowledgedVersion[patient.Id] = version;
                    Interlocked.Increment(ref phaseWrites);
                }
                catch (ShardUnavailableException)
                {
                    // Refused: nothing written; the next change is based on the same version.
                }
            }
        }

        async Task ReadAsync(ShardedDatabase node, Patient patient)
        {
            var seen = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var read = await node.Get<IPatientStore>().FindAsync(patient.Id, None);
                    if (read is null || read.Version < seen)
                    {
                        backInTime.Add($"{patient.GivenName}: {(read is null ? "not found" : $"version {read.Version}")} after version {seen}");
                    }

                    seen = Math.Max(seen, read?.Version ?? 0);
                }
                catch (ShardUnavailableException)
                {
                    // A read that waited for the cut-over longer than allowed: refused, not wrong.
                }
            }
        }

        // On threads of their own: SQLite's calls complete synchronously.
        var load = new List<Task>
        {
            Task.Run(() => RecordVisitsAsync(_db, _moving[2])),
            Task.Run(() => RecordVisitsAsync(stale, _moving[3])),
            Task.Run(() => RecordVisitsAsync(stale, _staying[0])),
            Task.Run(() => UpdatePatientAsync(_moving[4])),
            Task.Run(() => ReadAsync(_db, _moving[4])),
            Task.Run(() => ReadAsync(stale, _moving[2])),
        };

        // Act: the move runs while the load does, with writes before it starts and after it ends.
        await UntilAsync(() => Volatile.Read(ref phaseWrites) > 20);
        var result = await Task.Run(() => _db.Get<IBucketMoves>().MoveAsync(First, Last, Target, Operator, progress: null, None));
        Interlocked.Exchange(ref phaseWrites, 0);
        await UntilAsync(() => Volatile.Read(ref phaseWrites) > 20);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        async Task UntilAsync(Func<bool> condition)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            while (!condition())
            {
                Assert.False(load.Any(t => t.IsFaulted), "A reader or writer failed.");
                await Task.Delay(20, timeout.Token);
            }
        }

        // Assert
        Assert.Equal(BucketMoveOutcome.Moved, result.Outcome);
        Assert.Empty(backInTime);
        await using var fresh = await ShardedDatabase.StartAsync(_databases, shardCount: 2, settings: Settings);
        foreach (var patient in new[] { _moving[2], _moving[3], _staying[0] })
        {
            var stored = await AllVisitIdsAsync(fresh, patient.Id);
            Assert.Equal(stored.Count, stored.Distinct().Count());
            Assert.Superset(acknowledgedVisits.Where(a => a.Patient == patient.Id).Select(a => a.Visit).ToHashSet(), stored.ToHashSet());
            Assert.Empty(stored.Intersect(refusedVisits));
        }

        Assert.Equal(lastAcknowledgedVersion[_moving[4].Id], (await fresh.Get<IPatientStore>().FindAsync(_moving[4].Id, None))!.Version);
        await AssertSourceHoldsNothingOfTheBucketsAsync(fresh);
        Assert.All(await fresh.Get<IAuditStore>().VerifyAsync(None), chain => Assert.True(chain.IsIntact, chain.Database));
    }

    public static TheoryData<string> Checkpoints() =>
        ["copied", "archived", "checked", "frozen", "caught-up", "verified", "fenced", "flipped", "deleted", "audited"];

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public async Task MoveAsync_StoppedAtAStage_TheSameMoveAgainFinishesIt(string stage)
    {
        var before = await SnapshotAsync(_db);
        var mover = _db.Get<BucketMover>();
        mover.Checkpoint = point => point == stage ? throw new SimulatedCrashException(stage) : Task.CompletedTask;
        await Assert.ThrowsAsync<SimulatedCrashException>(() => mover.MoveAsync(First, Last, Target, Operator, progress: null, None));

        // Another process runs the same command again.
        await using var next = await ShardedDatabase.StartAsync(_databases, shardCount: 2, settings: Settings);
        var unfinished = await next.Get<IBucketMoves>().UnfinishedAsync(None);
        var result = await next.Get<IBucketMoves>().MoveAsync(First, Last, Target, Operator, progress: null, None);

        Assert.NotNull(unfinished);
        Assert.Equal(BucketMoveOutcome.Moved, result.Outcome);
        Assert.Null(await next.Get<IBucketMoves>().UnfinishedAsync(None));
        await AssertMovedAsync(before);
    }

    [Fact]
    public async Task Writes_WhileAStoppedMoveHoldsTheBucketsFrozen_WaitThenAreRefusedWithNothingWritten()
    {
        var mover = _db.Get<BucketMover>();
        mover.Checkpoint = point => point == "frozen" ? throw new SimulatedCrashException(point) : Task.CompletedTask;
        await Assert.ThrowsAsync<SimulatedCrashException>(() => mover.MoveAsync(First, Last, Target, Operator, progress: null, None));
        var visit = TestVisits.For(_moving[0]);

        var refused = await Assert.ThrowsAsync<ShardUnavailableException>(() => _db.Get<IVisitStore>().AddAsync(Clinician, visit, None));
        var read = await _db.Get<IPatientStore>().FindAsync(_moving[0].Id, None);
        await _db.Get<IVisitStore>().AddAsync(Clinician, TestVisits.For(_staying[0]), None);

        Assert.Equal(Source, refused.Shard);
        Assert.Contains("being moved", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(read);
        Assert.DoesNotContain(visit.Id, await AllVisitIdsAsync(_db, _moving[0].Id));
    }

    [Fact]
    public async Task MoveAsync_AnotherMoveIsUnfinishedOrRunning_IsRefusedNamingIt()
    {
        var mover = _db.Get<BucketMover>();
        mover.Checkpoint = point => point == "copied" ? throw new SimulatedCrashException(point) : Task.CompletedTask;
        await Assert.ThrowsAsync<SimulatedCrashException>(() => mover.MoveAsync(First, Last, Target, Operator, progress: null, None));
        mover.Checkpoint = null;

        var otherRange = await mover.MoveAsync(1024, 2047, Target, Operator, progress: null, None);
        var otherTarget = await mover.MoveAsync(First, Last, "shard-1", Operator, progress: null, None);
        var leaseTaken = await new CatalogLeases(_db.Get<IDbContextFactory<CatalogDbContext>>(), TimeProvider.System)
            .TryAcquireAsync(BucketMover.LeaseName, "another-command", TimeSpan.FromMinutes(1), None);

        var whileRunning = await mover.MoveAsync(First, Last, Target, Operator, progress: null, None);

        Assert.Equal(BucketMoveOutcome.Busy, otherRange.Outcome);
        Assert.Contains("Buckets 0-1023 are being moved from 'shard-0' to 'shard-2'", otherRange.Message, StringComparison.Ordinal);
        Assert.Equal(BucketMoveOutcome.Busy, otherTarget.Outcome);
        Assert.True(leaseTaken);
        Assert.Equal(BucketMoveOutcome.Busy, whileRunning.Outcome);
        Assert.Contains("bucket-move", whileRunning.Message, StringComparison.Ordinal);
        Assert.Equal(["shard-0", "shard-1"], _db.Get<IShardMap>().Shards);
    }

    [Theory]
    [InlineData(-1, 10, "shard-2", "within 0-4095")]
    [InlineData(10, 4096, "shard-2", "within 0-4095")]
    [InlineData(20, 10, "shard-2", "FIRST not after LAST")]
    [InlineData(0, 10, "shard-9", "There is no shard 'shard-9'")]
    public async Task MoveAsync_ARangeOrShardThatCannotBe_IsRefusedWithNothingWritten(int first, int last, string target, string message)
    {
        var result = await _db.Get<IBucketMoves>().MoveAsync(first, last, target, Operator, progress: null, None);

        Assert.Equal(BucketMoveOutcome.Refused, result.Outcome);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
        Assert.Null(await _db.Get<IBucketMoves>().UnfinishedAsync(None));
    }

    [Fact]
    public async Task MoveAsync_BucketsOfTwoShardsOrAlreadyThere_IsRefusedOrNothingToDo()
    {
        var spanning = await _db.Get<IBucketMoves>().MoveAsync(2000, 2100, Target, Operator, progress: null, None);
        var there = await _db.Get<IBucketMoves>().MoveAsync(First, Last, Source, Operator, progress: null, None);

        Assert.Equal(BucketMoveOutcome.Refused, spanning.Outcome);
        Assert.Contains("'shard-0', 'shard-1'", spanning.Message, StringComparison.Ordinal);
        Assert.Equal(BucketMoveOutcome.AlreadyThere, there.Outcome);
        Assert.Null(await _db.Get<IBucketMoves>().UnfinishedAsync(None));
    }

    [Fact]
    public async Task StaleNode_AfterTheMove_ReadsAndWritesTheMovedPatientsOnTheTargetAndSearchesFindThemOnceAfterItsPoll()
    {
        await using var stale = await ShardedDatabase.StartAsync(_databases, shardCount: 2, settings: Settings);
        await _db.Get<IBucketMoves>().MoveAsync(First, Last, Target, Operator, progress: null, None);

        var read = await stale.Get<IPatientStore>().FindAsync(_moving[5].Id, None);
        var visit = await stale.Get<IVisitStore>().AddAsync(Clinician, TestVisits.For(_moving[5]), None);
        await stale.Get<ShardRouting>().ReloadIfChangedAsync(None);
        var found = await stale.Get<IPatientStore>().SearchAsync(PatientSearch.Parse("mover", null, 50), None);

        Assert.Equal(_moving[5].Id, read?.Id);
        await using (var target = _db.OpenShard(Target))
        {
            Assert.True(await target.Visits.AnyAsync(v => v.Id == visit.Id));
        }

        Assert.Equal(_moving.Select(p => p.Id).Order(), found.Items.Select(p => p.Id).Order());
    }

    [Fact]
    public async Task Search_DuringTheCopy_ShowsEveryPatientOnce()
    {
        var mover = _db.Get<BucketMover>();
        mover.Checkpoint = point => point == "archived" ? throw new SimulatedCrashException(point) : Task.CompletedTask;
        await Assert.ThrowsAsync<SimulatedCrashException>(() => mover.MoveAsync(First, Last, Target, Operator, progress: null, None));
        await using (var target = _db.OpenShard(Target))
        {
            Assert.Equal(_moving.Count, await target.Patients.IgnoreQueryFilters().CountAsync());
        }

        // The target holds copies, and a node that knows the target by now asks it too: its copies are not its own yet.
        await using var node = await ShardedDatabase.StartAsync(_databases, shardCount: 2, settings: Settings);
        var found = await node.Get<IPatientStore>().SearchAsync(PatientSearch.Parse("mover", null, 50), None);
        var participants = await node.Get<IEnrollmentStore>().ListForStudyAsync(_study, null, None);

        Assert.Equal(_moving.Select(p => p.Id).Order(), found.Items.Select(p => p.Id).Order());
        Assert.Equal(_moving.Count + _staying.Count, participants.Count);
        Assert.Equal(_moving.Count + _staying.Count, await node.Get<IEnrollmentStore>().CountForStudyAsync(_study, None));
    }

    [Fact]
    public async Task Search_DuringACopyToAShardThatServesTwoAtATime_ShowsEveryPatientOnceInOrder()
    {
        // Arrange: the buckets are copied to shard-1, which serves buckets of its own and is searched: its copies are
        // not its own yet. With pages of two, a page of shard-1's matching rows is nothing but copies, and the store
        // has to read on past them.
        var mover = _db.Get<BucketMover>();
        mover.Checkpoint = point => point == "archived" ? throw new SimulatedCrashException(point) : Task.CompletedTask;
        await Assert.ThrowsAsync<SimulatedCrashException>(() => mover.MoveAsync(First, Last, "shard-1", Operator, progress: null, None));
        await using var node = await ShardedDatabase.StartAsync(_databases, shardCount: 2, settings: Settings);

        // Act
        var shown = new List<PatientDto>();
        string? cursor = null;
        do
        {
            var page = await node.Get<IPatientStore>().SearchAsync(PatientSearch.Parse("mover", cursor, 2), None);
            shown.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null && shown.Count <= _moving.Count);

        // Assert
        Assert.Equal(_moving.Select(p => p.Mrn).Order(StringComparer.Ordinal), shown.Select(p => p.Mrn).Order(StringComparer.Ordinal));
        var searchOrder = _moving.OrderBy(p => p.FamilyNameKey, StringComparer.Ordinal)
            .ThenBy(p => p.GivenNameKey, StringComparer.Ordinal).ThenBy(p => p.Mrn, StringComparer.Ordinal);
        Assert.Equal(searchOrder.Select(p => p.Id), shown.Select(p => p.Id));
    }

    // ---- Helpers -------------------------------------------------------------------------------------------------

    /// <summary>Every moved patient, visit and enrollment as a fresh node reads it, and the rest of the installation.</summary>
    private async Task AssertMovedAsync(Snapshot before)
    {
        await using var node = await ShardedDatabase.StartAsync(_databases, shardCount: 2, settings: Settings);
        var map = node.Get<IShardMap>();
        Assert.Contains(new BucketRange(First, Last, Target), map.Ranges);
        Assert.Equal(Enumerable.Range(First, Last - First + 1).Select(_ => Target), Enumerable.Range(First, Last - First + 1).Select(map.ShardForBucket));
        Assert.Equal(before, await SnapshotAsync(node));
        await using (var target = node.OpenShard(Target))
        {
            Assert.Equal(_moving.Count, await target.Patients.CountAsync());
        }

        await AssertSourceHoldsNothingOfTheBucketsAsync(node);
        Assert.All(await node.Get<IAuditStore>().VerifyAsync(None), chain => Assert.True(chain.IsIntact, chain.Database));
    }

    private static async Task AssertSourceHoldsNothingOfTheBucketsAsync(ShardedDatabase node)
    {
        await using var source = node.OpenShard(Source);
        Assert.False(await source.Patients.IgnoreQueryFilters().AnyAsync(p => p.Bucket >= First && p.Bucket <= Last));
        Assert.False(await source.Visits.IgnoreQueryFilters().AnyAsync(v => v.Bucket >= First && v.Bucket <= Last));
        Assert.False(await source.Enrollments.IgnoreQueryFilters().AnyAsync(e => e.Bucket >= First && e.Bucket <= Last));
    }

    private sealed record Snapshot(string Patients, string Visits, string Enrollments, string Search);

    /// <summary>What the stores answer for every patient of the test: equal before and after a move.</summary>
    private async Task<Snapshot> SnapshotAsync(ShardedDatabase node)
    {
        var patients = new List<string>();
        var visits = new List<string>();
        var enrollments = new List<string>();
        foreach (var patient in _moving.Concat(_staying).OrderBy(p => p.Id))
        {
            patients.Add((await node.Get<IPatientStore>().FindAsync(patient.Id, None))!.ToString());
            var page = await node.Get<IVisitStore>().ListForPatientAsync(patient.Id, null, 100, None);
            visits.AddRange(page!.Items.Select(v => v with { DiagnosisCodes = [] }).Select(v => v.ToString()));
            enrollments.AddRange((await node.Get<IEnrollmentStore>().ListForPatientAsync(patient.Id, None)).Select(e => e.ToString()));
        }

        var search = await node.Get<IPatientStore>().SearchAsync(PatientSearch.Parse("", null, 100), None);
        return new Snapshot(
            string.Join("\n", patients), string.Join("\n", visits), string.Join("\n", enrollments),
            string.Join(",", search.Items.Select(p => p.Mrn)));
    }

    private static async Task<List<Guid>> AllVisitIdsAsync(ShardedDatabase node, Guid patientId)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await node.Get<IVisitStore>().ListForPatientAsync(patientId, cursor, 100, None);
            ids.AddRange(page!.Items.Select(v => v.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return ids;
    }

    private static async Task<Patient> AddPatientAsync(ShardedDatabase node, string given, Guid id)
    {
        var patient = Patient.Register(id, Mrn.Generate(), TestPatients.Input(given, "Moveable"), TestPatients.Now);
        await node.Get<IPatientStore>().AddAsync(Clinician, patient, None);
        return patient;
    }

    /// <summary>A number as letters (a, b, ... z, ba, bb, ...): names may hold letters only.</summary>
    private static string Letters(int n)
    {
        var letters = "";
        do
        {
            letters = (char)('a' + (n % 26)) + letters;
            n /= 26;
        }
        while (n > 0);
        return letters;
    }

    private static Guid IdInBuckets(int first, int last)
    {
        while (true)
        {
            var id = Guid.CreateVersion7();
            if (Buckets.ForPatient(id) is var bucket && bucket >= first && bucket <= last)
            {
                return id;
            }
        }
    }

    private Guid IdOnShardOutside(string shard)
    {
        while (true)
        {
            var id = TestPatients.IdOnShard(_db.Get<IShardMap>(), shard);
            if (Buckets.ForPatient(id) > Last)
            {
                return id;
            }
        }
    }

    private sealed class SimulatedCrashException(string stage) : Exception($"Stopped at '{stage}', as a crash would.");

    public sealed class OnSqlite() : BucketMoveTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : BucketMoveTests(TestProvider.Postgres);
}
