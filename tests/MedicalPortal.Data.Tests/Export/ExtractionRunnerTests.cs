using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Export;

/// <summary>
/// The scheduled incremental extraction on real shards and real files: every change in exactly one file,
/// crashes at every step recovered without gap or duplicate, and one run however many nodes tick at once.
/// </summary>
public abstract class ExtractionRunnerTests(TestProvider provider) : IAsyncLifetime
{
    private static readonly DateTimeOffset FirstRun = TestPatients.Now.AddHours(1);
    private static readonly DateTimeOffset Changes = TestPatients.Now.AddHours(2);
    private static readonly DateTimeOffset SecondRun = TestPatients.Now.AddHours(3);
    private static readonly DateTimeOffset ThirdRun = TestPatients.Now.AddHours(4);

    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private ShardedDatabase _db = default!;
    private StagedExtractionFiles _files = default!;

    public async Task InitializeAsync()
    {
        _db = await ShardedDatabase.CreateAsync(
            provider, shardCount: 2, clock: _clock, settings: ExportDataSet.Settings, configure: StagedExtractionFiles.Register);
        _files = _db.Get<StagedExtractionFiles>();
        await ExportDataSet.WriteAsync(_db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task RunAllAsync_ChangesBetweenRuns_EachChangeInExactlyOneFile()
    {
        // Act
        var files = await RunThreeTimesAsync(crashAt: null);

        // Assert
        Assert.Equal(13, files[0].Count); // everything, as the download
        Assert.Equal(ExpectedSecondFile(), files[1].Order(StringComparer.Ordinal));
        Assert.Empty(files[2]); // nothing changed since
        Assert.Empty(LeftoverTemporaryFiles());

        // The counts are the file's: C2, now alone in its class, is held back (it was published before); A2's new
        // code, alone in the file, is left out.
        var second = (await History())[1];
        Assert.Equal((2, 2, 1), (second.Rows, second.Patients, second.SuppressedPatients));
        Assert.Equal((0, 1), (second.GeneralizedCodes, second.SuppressedCodes));
    }

    [Theory]
    [InlineData(nameof(ExtractionStage.MidFile))]
    [InlineData(nameof(ExtractionStage.FileWritten))]
    [InlineData(nameof(ExtractionStage.RunMarkedWritten))]
    [InlineData(nameof(ExtractionStage.FileRenamed))]
    public async Task RunAllAsync_CrashDuringTheSecondRun_NextRunLeavesNoGapAndNoDuplicate(string crashAt)
    {
        // Act
        var files = await RunThreeTimesAsync(Enum.Parse<ExtractionStage>(crashAt));

        // Assert: the interrupted window was finished into its own file, with exactly what it should have held, and
        // the windows follow each other without a gap or an overlap.
        Assert.Equal(13, files[0].Count);
        Assert.Equal(ExpectedSecondFile(), files[1].Order(StringComparer.Ordinal));
        Assert.Empty(files[2]);
        Assert.Empty(LeftoverTemporaryFiles());
        var runs = await History();
        Assert.All(runs, r => Assert.Equal(ExtractionStatus.Completed, r.Status));
        Assert.Null(runs[0].WindowAfter);
        Assert.All(runs.Zip(runs.Skip(1)), pair => Assert.Equal(pair.First.WindowUntil, pair.Second.WindowAfter));
    }

    [Fact]
    public async Task RunAllAsync_CompletedRuns_RecordCountsAndTheSha256OfTheirFile()
    {
        // Act
        _clock.SetUtcNow(FirstRun);
        await Runner().RunAllAsync(default);

        // Assert
        var run = Assert.Single(await History());
        Assert.Equal(13, run.Rows);
        Assert.Equal(12, run.Patients);
        Assert.Equal(1, run.SuppressedPatients);
        Assert.Equal((2, 2), (run.GeneralizedCodes, run.SuppressedCodes));
        Assert.Null(run.WindowAfter);
        Assert.Equal(FirstRun - ExtractionRunner.SafetyMargin, run.WindowUntil);
        var path = PathOf(run);
        await using var file = File.OpenRead(path);
        Assert.Equal(run.Sha256, Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file)));
        Assert.Equal(Path.Combine(StudyFolder(), $"{run.WindowUntil.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.csv"), path);
    }

    [Fact]
    public async Task RunAllAsync_EveryExtraction_InTheAuditTrailAsTheSystem()
    {
        // Arrange
        var mark = await AuditTrail.MarkAsync(_db);
        _clock.SetUtcNow(FirstRun);

        // Act
        await Runner().RunAllAsync(default);

        // Assert: one export entry per active study (the golden one and the other).
        var exports = (await AuditTrail.EntriesAsync(_db, AuditTrail.Catalog, mark[AuditTrail.Catalog]))
            .Where(e => e.Action == nameof(AuditAction.Export)).ToList();
        Assert.Equal(2, exports.Count);
        Assert.All(exports, e => Assert.Equal(AuditActor.System.Name, e.ActorName));
        Assert.Contains(exports, e => e.ResourceId == ExportDataSet.Study.ToString("D"));
    }

    [Fact]
    public async Task RunAllAsync_TwoNodesAtOnce_OneRuns()
    {
        // Arrange: a second node on the same catalog, shards and export folder, with the same clock.
        await using var secondNode = await ShardedDatabase.StartAsync(_db.Databases, clock: _clock, settings: ExportDataSet.Settings);
        _clock.SetUtcNow(FirstRun);
        var inside = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        _files.AtStage = async stage =>
        {
            if (stage == ExtractionStage.MidFile)
            {
                inside.TrySetResult();
                await release.Task;
            }
        };

        // Act: the first node holds the lease while the second ticks.
        var firstRun = Runner().RunAllAsync(default);
        await inside.Task;
        var secondRan = await secondNode.Get<IExtractionRunner>().RunAllAsync(default);
        release.SetResult();
        var firstRan = await firstRun;
        var secondOnTheSameTick = await secondNode.Get<IExtractionRunner>().RunAllAsync(default);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var secondOnTheNextTick = await secondNode.Get<IExtractionRunner>().RunAllAsync(default);

        // Assert
        Assert.True(firstRan);
        Assert.False(secondRan);
        Assert.False(secondOnTheSameTick); // the cooldown: no second pass right behind the first
        Assert.True(secondOnTheNextTick); // the lease is free again, and this pass finds one minute of (no) changes
        Assert.Equal(2, (await History()).Count);
        Assert.Equal(2, Directory.GetFiles(StudyFolder(), "*.csv").Length);
    }

    [Fact]
    public async Task RunAllAsync_TwoPassesInOneSecond_TheSecondFindsNothingToDo()
    {
        // Arrange: the first pass, then the lease free again within the same second (a pass run by hand, say).
        _clock.SetUtcNow(FirstRun.AddMilliseconds(100));
        await Runner().RunAllAsync(default);
        await _db.Get<IExtractionStore>().ReleaseLeaseAsync(ExtractionRunner.LeaseName, "nobody", TimeSpan.Zero, default);
        _clock.Advance(TimeSpan.FromMilliseconds(500));

        // Act
        var ran = await Runner().RunAllAsync(default);

        // Assert: one run, one file, and its recorded hash still matches (nothing overwrote it).
        Assert.True(ran);
        var run = Assert.Single(await History());
        await using var file = File.OpenRead(PathOf(run));
        Assert.Equal(run.Sha256, Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file)));
    }

    [Fact]
    public async Task RunAllAsync_RecoveredRunWhoseFileWasReplaced_WritesItAgain()
    {
        // Arrange: a run that crashed after the rename, and a file under its name that is not the one recorded.
        _clock.SetUtcNow(FirstRun);
        _files.AtStage = s => s == ExtractionStage.FileRenamed ? throw new IOException("Simulated crash.") : Task.CompletedTask;
        await Assert.ThrowsAnyAsync<Exception>(() => Runner().RunAllAsync(default));
        _files.AtStage = null;
        var run = Assert.Single(await History());
        await File.WriteAllTextAsync(PathOf(run), "not the extraction\r\n");

        // Act
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Runner().RunAllAsync(default);

        // Assert
        var recovered = (await History())[0];
        Assert.Equal(ExtractionStatus.Completed, recovered.Status);
        var lines = await File.ReadAllLinesAsync(PathOf(recovered));
        Assert.Equal(13, lines.Length - 1);
        await using var file = File.OpenRead(PathOf(recovered));
        Assert.Equal(recovered.Sha256, Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file)));
    }

    [Fact]
    public async Task RunAllAsync_NodeDiedHoldingTheLease_AnotherTakesOverWhenItExpires()
    {
        // Arrange: a node that took the lease and never came back.
        _clock.SetUtcNow(FirstRun);
        var store = _db.Get<IExtractionStore>();
        Assert.True(await store.TryAcquireLeaseAsync(ExtractionRunner.LeaseName, "dead-node", TimeSpan.FromMinutes(30), default));

        // Act
        var whileHeld = await Runner().RunAllAsync(default);
        _clock.SetUtcNow(FirstRun.AddMinutes(31));
        var afterExpiry = await Runner().RunAllAsync(default);

        // Assert
        Assert.False(whileHeld);
        Assert.True(afterExpiry);
        Assert.Single(await History());
    }

    [Fact]
    public async Task RunAllAsync_WithdrawnBetweenRuns_LeftOutOfEveryLaterExtraction()
    {
        // Arrange
        _clock.SetUtcNow(FirstRun);
        await Runner().RunAllAsync(default);
        _clock.SetUtcNow(Changes);
        var a1 = ExportDataSet.Ids["A1"];
        var enrollment = (await _db.Get<IEnrollmentStore>().ListForPatientAsync(a1, default)).Single(e => e.StudyId == ExportDataSet.Study);
        await _db.Get<IEnrollmentStore>().WithdrawAsync(AuditActor.System, enrollment.Id, Changes, default);
        await _db.Get<IVisitStore>().AddAsync(AuditActor.System, Visit.Record(a1, new DateOnly(1980, 4, 2), NewVisit(), Changes), default);

        // Act
        _clock.SetUtcNow(SecondRun);
        await Runner().RunAllAsync(default);
        using var download = new MemoryStream();
        await _db.Get<ExportService>().DownloadAsync(TestUser.InRoles(Core.Permissions.RoleNames.Researcher), ExportDataSet.Study, download, default);

        // Assert
        var files = await FilesAsync();
        var a1ResearchId = "4861877d0de353667c7b4bb5846d1a9c";
        Assert.DoesNotContain(files[1], r => r.StartsWith(a1ResearchId, StringComparison.Ordinal));
        Assert.DoesNotContain(a1ResearchId, System.Text.Encoding.UTF8.GetString(download.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAllAsync_HeldBackClassReachesK_EveryMemberGoesOutNotJustTheNewcomer()
    {
        // Arrange: E1 is alone in (2001, female, 303) and held back; then N1, of the same class, consents.
        _clock.SetUtcNow(FirstRun);
        await Runner().RunAllAsync(default);
        _clock.SetUtcNow(Changes);
        await _db.Get<IEnrollmentStore>().AddAsync(AuditActor.System, Enrollment.Consent(ExportDataSet.Study, ExportDataSet.Ids["N1"], Changes, Changes), default);

        // Act
        _clock.SetUtcNow(SecondRun);
        await Runner().RunAllAsync(default);

        // Assert: E1, unchanged, is in the file with N1 (one visit each): a class of two. Both hold Z00.00, which the
        // file's two patients are enough to show (the first file left it out: A1 alone held it there).
        var second = (await FilesAsync())[1];
        Assert.Equal(2, second.Count);
        Assert.All(second, row => Assert.Contains(",2001,female,303,", row, StringComparison.Ordinal));
        Assert.All(second, row => Assert.EndsWith(",Z00.00", row, StringComparison.Ordinal));
        Assert.Equal(2, second.Select(row => row[..32]).Distinct().Count());
    }

    [Fact]
    public async Task RunAllAsync_CodeCommonInTheStudyButAloneInTheFile_LeftOutOfThatFile()
    {
        // Arrange: A2 has a first visit with I10, which A1 and B2 hold too; only A2 changed since the first run.
        _clock.SetUtcNow(FirstRun);
        await Runner().RunAllAsync(default);
        _clock.SetUtcNow(Changes);
        var a2 = ExportDataSet.Ids["A2"];
        await _db.Get<IVisitStore>().AddAsync(
            AuditActor.System, Visit.Record(a2, new DateOnly(1980, 11, 30), NewVisit() with { DiagnosisCodes = ["I10"] }, Changes), default);

        // Act
        _clock.SetUtcNow(SecondRun);
        await Runner().RunAllAsync(default);
        using var download = new MemoryStream();
        await _db.Get<ExportService>().DownloadAsync(TestUser.InRoles(Core.Permissions.RoleNames.Researcher), ExportDataSet.Study, download, default);

        // Assert: the file is all its recipient may get, and there I10 would single A2 out; the full export shows it.
        var a2Row = "06550946528e0de041155bca422d8dfb,1980,female,021,2026,telehealth,,,130,85,,,";
        var second = (await History())[1];
        Assert.Equal([a2Row], (await FilesAsync())[1]);
        Assert.Equal((0, 1), (second.GeneralizedCodes, second.SuppressedCodes));
        Assert.Contains(a2Row + "I10\r\n", System.Text.Encoding.UTF8.GetString(download.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAllAsync_PatientTurns90BetweenRuns_GoesOutAgainAs90PlusThoughNothingChanged()
    {
        // Arrange: B1 is 89 on the first run (born 1936-06-02) and 90 the next day.
        _clock.SetUtcNow(FirstRun);
        await Runner().RunAllAsync(default);
        var first = (await FilesAsync())[0];
        var born1936 = first.Where(r => r.Contains(",1936,male,000,", StringComparison.Ordinal)).Select(r => r[..32]).ToList();

        // Act
        _clock.SetUtcNow(FirstRun.AddDays(1));
        await Runner().RunAllAsync(default);

        // Assert: B1 again, now 90+; B5, left alone as 1936, is held back.
        var row = Assert.Single((await FilesAsync())[1]);
        Assert.EndsWith(",90+,male,000,,,,,,,,,", row, StringComparison.Ordinal);
        Assert.Contains(row[..32], born1936);
        Assert.Equal(1, (await History())[1].SuppressedPatients);
    }

    /// <summary>
    /// Between the first and second run: a new visit of A2 (A2's record unchanged), a changed address of B4 (B4's
    /// record changed), C1 withdraws. The second file holds each changed patient whole: A2 with their one visit (its
    /// code, alone in the file, left out), B4; nothing of C1, and nothing of C2, whom C1's withdrawal left alone in a
    /// class.
    /// </summary>
    private static IEnumerable<string> ExpectedSecondFile() => SecondFile.Order(StringComparer.Ordinal);

    private static readonly string[] SecondFile =
    [
        "06550946528e0de041155bca422d8dfb,1980,female,021,2026,telehealth,,,130,85,,,",
        "d27859102f8cc74ac36bb35fc54143a6,90+,male,000,,,,,,,,,",
    ];

    private async Task<List<List<string>>> RunThreeTimesAsync(ExtractionStage? crashAt)
    {
        _clock.SetUtcNow(FirstRun);
        Assert.True(await Runner().RunAllAsync(default));

        _clock.SetUtcNow(Changes);
        await MakeChangesAsync();

        _clock.SetUtcNow(SecondRun);
        if (crashAt is { } stage)
        {
            _files.AtStage = s => s == stage ? throw new IOException($"Simulated crash at {s}.") : Task.CompletedTask;
            var crash = await Assert.ThrowsAnyAsync<Exception>(() => Runner().RunAllAsync(default));
            Assert.Contains("Simulated crash", crash.Message, StringComparison.Ordinal);
            _files.AtStage = null;

            // What the crash left: the run's state, and whether its temporary and its final file are on disk.
            var interrupted = (await History())[^1];
            Assert.Equal(
                stage switch
                {
                    ExtractionStage.MidFile or ExtractionStage.FileWritten => (ExtractionStatus.Started, true, false),
                    ExtractionStage.RunMarkedWritten => (ExtractionStatus.Written, true, false),
                    _ => (ExtractionStatus.Written, false, true),
                },
                (interrupted.Status,
                    File.Exists(Path.Combine(StudyFolder(), $".{interrupted.FileName}.tmp")),
                    File.Exists(Path.Combine(StudyFolder(), interrupted.FileName))));
        }
        else
        {
            Assert.True(await Runner().RunAllAsync(default));
        }

        _clock.SetUtcNow(ThirdRun);
        Assert.True(await Runner().RunAllAsync(default));
        return await FilesAsync();
    }

    private async Task MakeChangesAsync()
    {
        var a2 = ExportDataSet.Ids["A2"];
        await _db.Get<IVisitStore>().AddAsync(AuditActor.System, Visit.Record(a2, new DateOnly(1980, 11, 30), NewVisit(), Changes), default);

        var b4 = (await _db.Get<IPatientStore>().FindAsync(ExportDataSet.Ids["B4"], default))!;
        await _db.Get<IPatientStore>().UpdateAsync(AuditActor.System, b4.Id, b4.Version, InputOf(b4) with { PostalCode = "03604" }, Changes, default);

        var c1 = (await _db.Get<IEnrollmentStore>().ListForPatientAsync(ExportDataSet.Ids["C1"], default)).Single();
        await _db.Get<IEnrollmentStore>().WithdrawAsync(AuditActor.System, c1.Id, Changes, default);
    }

    private static VisitInput NewVisit() => new()
    {
        StartedAt = Changes.AddMinutes(-30),
        Type = VisitType.Telehealth,
        Clinician = "Dr. Canary",
        Reason = "CANARY-REASON",
        Systolic = 130,
        Diastolic = 85,
        DiagnosisCodes = ["J06.9"],
    };

    private static PatientInput InputOf(PatientDto p) => new()
    {
        Mrn = p.Mrn,
        GivenName = p.GivenName,
        FamilyName = p.FamilyName,
        BirthDate = p.BirthDate,
        Sex = p.Sex,
        Phone = p.Phone,
        Email = p.Email,
        AddressLine = p.AddressLine,
        City = p.City,
        State = p.State,
        PostalCode = p.PostalCode,
    };

    private IExtractionRunner Runner() => _db.Get<IExtractionRunner>();

    private string PathOf(ExtractionRun run) => _files.Find(run) ?? throw new FileNotFoundException($"No file for run {run.Id}.");

    private async Task<List<ExtractionRun>> History() =>
        [.. (await _db.Get<IExtractionStore>().ListAsync(ExportDataSet.Study, default)).OrderBy(r => r.WindowUntil)];

    /// <summary>The rows (header dropped) of each completed file of the golden study, oldest first.</summary>
    private async Task<List<List<string>>> FilesAsync()
    {
        var files = new List<List<string>>();
        foreach (var run in await History())
        {
            var lines = await File.ReadAllLinesAsync(PathOf(run));
            Assert.Equal(string.Join(',', ResearchCsv.Header), lines[0]);
            files.Add([.. lines.Skip(1)]);
        }

        return files;
    }

    private string StudyFolder() => Path.Combine(_db.DataFolder, "exports", ExportDataSet.Study.ToString("D"));

    private string[] LeftoverTemporaryFiles() => Directory.GetFiles(StudyFolder(), "*.tmp");

    public sealed class OnSqlite() : ExtractionRunnerTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : ExtractionRunnerTests(TestProvider.Postgres);
}
