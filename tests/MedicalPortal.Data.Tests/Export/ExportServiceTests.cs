using System.Text;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Export;

/// <summary>
/// The anonymized export of a study, end to end on real shards with the fixed data set, written once per class
/// (<see cref="GoldenInstallation"/>): the tests only download it, and look at what a download writes to the audit
/// chains from a mark on.
/// </summary>
public abstract class ExportServiceTests(ExportServiceTests.GoldenInstallation installation)
{
    /// <summary>
    /// The expected export of <see cref="ExportDataSet"/> at 2026-06-01 with k = 2, checked by hand: rows in any order
    /// (shards are read in parallel), the header first. Research ids are literal: they must stay the same from one
    /// version of the portal to the next, or a study's extractions could no longer be joined.
    /// </summary>
    private static readonly string[] GoldenRows =
    [
        // A1: two visits (the one at 23:30 UTC on 31 December is in 2025), Z00.00 left out (no other exported patient
        // holds it), E11.9 as E11 (shown by B2 too); A2 none; A3 one, without codes.
        "4861877d0de353667c7b4bb5846d1a9c,1980,female,021,2024,checkup,172.5,70.2,121,79,64,36.8,",
        "4861877d0de353667c7b4bb5846d1a9c,1980,female,021,2025,follow-up,172.5,70.2,121,79,64,36.8,E11;I10",
        "06550946528e0de041155bca422d8dfb,1980,female,021,,,,,,,,,",
        "3f48d97af1634104ad6e2bf47b6c3923,1980,female,021,2026,telehealth,172.5,70.2,121,79,64,36.8,",

        // B1 and B5, 89: their birth year; ZIPs 036 and 893 are restricted areas.
        "364705ec3a4f0d25a5f2c2b4098e042a,1936,male,000,,,,,,,,,",
        "610802e5f47731a6a8c3cd4f8d4b11ff,1936,male,000,,,,,,,,,",

        // B2 (90 today), B3 (101), B4 (95): 90+. B2's S72.001A is left out, E11.65 is shown as E11.
        "d124922bbfecdb4b93dbc3f60056c790,90+,male,000,2025,emergency,172.5,70.2,121,79,64,36.8,E11;I10",
        "1baa524e9ae5281de6594907a8a7a8c3,90+,male,000,,,,,,,,,",
        "d27859102f8cc74ac36bb35fc54143a6,90+,male,000,,,,,,,,,",

        // C1 and C2: ZIP generalized to 000.
        "4aa3774a255a05aaaf228990a82c6390,1990,other,000,,,,,,,,,",
        "a1e9ffaf324e75e61d1325fcdb9ef2b7,1990,other,000,,,,,,,,,",

        // D1 and D2: ZIP and birth year generalized.
        "42222c35f402af98fa09a689866f2bf1,1970-1979,unknown,000,,,,,,,,,",
        "bb305e849ac814207a53959bf6108bc3,1970-1979,unknown,000,,,,,,,,,",

        // E1 suppressed (alone in its class even as 2000-2009); N1 never enrolled, W1 withdrew, O1 is in another study.
    ];

    private static readonly TestUser Researcher = TestUser.InRoles(RoleNames.Researcher);

    private readonly ShardedDatabase _db = installation.Db;

    [Fact]
    public async Task DownloadAsync_GoldenDataSet_ExactlyTheExpectedCsv()
    {
        // Act
        var (csv, summary) = await DownloadAsync(ExportDataSet.Study);

        // Assert
        var lines = csv.Split("\r\n");
        Assert.Equal(string.Join(',', ResearchCsv.Header), lines[0]);
        Assert.Equal("", lines[^1]);
        Assert.Equal(GoldenRows.Order(StringComparer.Ordinal), lines[1..^1].Order(StringComparer.Ordinal));
        Assert.Equal(new ExportSummary(Rows: 13, Patients: 12, SuppressedPatients: 1, GeneralizedPatients: 4, GeneralizedCodes: 2, SuppressedCodes: 2), summary);
    }

    [Fact]
    public async Task DownloadAsync_GoldenDataSet_NoCanaryNoIdNoMrnInTheExport()
    {
        // Arrange
        var mrns = new List<string>();
        foreach (var id in ExportDataSet.Ids.Values)
        {
            mrns.Add((await _db.Get<IPatientStore>().FindAsync(id, default))!.Mrn);
        }

        // Act
        var (csv, _) = await DownloadAsync(ExportDataSet.Study);

        // Assert
        var forbidden = ExportDataSet.Canaries
            .Concat(mrns)
            .Concat(ExportDataSet.Ids.Values.Select(id => id.ToString("D")))
            .Concat(ExportDataSet.Ids.Values.Select(id => id.ToString("N")))
            .Concat([ExportDataSet.Study.ToString("D"), "Canary", "canary"]);
        Assert.All(forbidden, value => Assert.DoesNotContain(value, csv, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task DownloadAsync_TwoStudies_OnePatientHasDifferentResearchIds()
    {
        // Arrange: A1, A2 and A3 (one class) also consent to the other study, in an installation of its own: the others
        // download the data set as it is.
        await using var db = await GoldenInstallation.CreateAsync(installation.Provider);
        foreach (var name in new[] { "A1", "A2", "A3" })
        {
            await db.Get<Core.Studies.IEnrollmentStore>().AddAsync(AuditActor.System,
                Core.Studies.Enrollment.Consent(ExportDataSet.OtherStudy, ExportDataSet.Ids[name], TestPatients.Now, TestPatients.Now), default);
        }

        // Act
        var (inStudy, _) = await DownloadAsync(db, ExportDataSet.Study);
        var (inOther, _) = await DownloadAsync(db, ExportDataSet.OtherStudy);
        var (again, _) = await DownloadAsync(db, ExportDataSet.Study);

        // Assert
        var studyIds = ResearchIds(inStudy);
        var otherIds = ResearchIds(inOther);
        Assert.Equal(3, otherIds.Count); // A1, A2, A3; O1 alone in its class is suppressed
        Assert.Empty(studyIds.Intersect(otherIds));
        Assert.Equal(studyIds, ResearchIds(again));
    }

    [Fact]
    public async Task DownloadAsync_Researcher_RecordedInTheCatalogAuditChainWithTheRowCount()
    {
        // Arrange
        var mark = await AuditTrail.MarkAsync(_db);

        // Act
        await DownloadAsync(ExportDataSet.Study);

        // Assert
        var entry = Assert.Single(await AuditTrail.EntriesAsync(_db, AuditTrail.Catalog, mark[AuditTrail.Catalog]));
        Assert.Equal(nameof(AuditAction.Export), entry.Action);
        Assert.Equal(nameof(Resource.Export), entry.Resource);
        Assert.Equal(ExportDataSet.Study.ToString("D"), entry.ResourceId);
        Assert.Equal(Researcher.AccountId, entry.ActorId);
        Assert.Contains("\"rows\"", entry.Changes, StringComparison.Ordinal);
        Assert.Contains("\"13\"", entry.Changes, StringComparison.Ordinal);
        Assert.True((await _db.Get<IAuditStore>().VerifyAsync(default)).All(v => v.Problem is null));
    }

    [Fact]
    public async Task DownloadAsync_Researcher_EveryExportedPatientInTheirShardsChainAndNoHeldBackOne()
    {
        // Arrange
        var mark = await AuditTrail.MarkAsync(_db);

        // Act
        await DownloadAsync(ExportDataSet.Study);

        // Assert: an accounting of disclosures, per patient, on the shard that holds them.
        var disclosed = new List<Guid>();
        foreach (var shard in _db.ShardNames)
        {
            foreach (var entry in (await AuditTrail.EntriesAsync(_db, shard, mark[shard])).Where(e => e.Action == nameof(AuditAction.Export)))
            {
                Assert.Equal(Researcher.AccountId, entry.ActorId);
                Assert.Equal(ExportDataSet.Study.ToString("D"), entry.ResourceId);
                disclosed.AddRange(System.Text.Json.JsonSerializer.Deserialize<List<Guid>>(entry.PatientIds!)!);
            }
        }

        string[] published = ["A1", "A2", "A3", "B1", "B2", "B3", "B4", "B5", "C1", "C2", "D1", "D2"];
        Assert.Equal(published.Select(n => ExportDataSet.Ids[n]).Order(), disclosed.Order());
    }

    [Fact]
    public async Task PreviewAsync_GoldenDataSet_TheDownloadsNumbersWithOneRoundedToFewerThanK()
    {
        // Act
        var preview = await _db.Get<ExportService>().PreviewAsync(Researcher, ExportDataSet.Study, default);

        // Assert: 13 participants, 4 generalized, E1 held back (one, so only "fewer than 2"), 2 codes as their
        // category and 2 left out, as the download does them.
        Assert.Equal(2, preview.K);
        Assert.Equal((13, 4), (preview.Participants.Exact, preview.GeneralizedPatients.Exact));
        Assert.True(preview.SuppressedPatients.IsFewerThanK);
        Assert.Equal((2, 2), (preview.GeneralizedCodes.Exact, preview.SuppressedCodes.Exact));
    }

    [Fact]
    public async Task PreviewAsync_OneParticipant_DoesNotSayHowMany()
    {
        // Act: O1 alone consented to the other study.
        var preview = await _db.Get<ExportService>().PreviewAsync(Researcher, ExportDataSet.OtherStudy, default);

        // Assert
        Assert.True(preview.Participants.IsFewerThanK);
        Assert.True(preview.SuppressedPatients.IsFewerThanK);
        Assert.Equal((0, 0, 0), (preview.GeneralizedPatients.Exact, preview.GeneralizedCodes.Exact, preview.SuppressedCodes.Exact));
    }

    [Fact]
    public async Task DownloadAsync_UnknownStudy_NotFoundAndNothingWritten()
    {
        // Arrange
        using var output = new MemoryStream();

        // Act + Assert
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            _db.Get<ExportService>().DownloadAsync(Researcher, Guid.NewGuid(), output, default));
        Assert.Equal(0, output.Length);
    }

    [Theory]
    [InlineData(RoleNames.Doctor)]
    [InlineData(RoleNames.Nurse)]
    [InlineData(RoleNames.Receptionist)]
    [InlineData(RoleNames.Patient)]
    public async Task DownloadAsync_RoleWithoutExportRetrieve_RefusedAndNothingWritten(string role)
    {
        // Arrange
        using var output = new MemoryStream();

        // Act + Assert
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            _db.Get<ExportService>().DownloadAsync(TestUser.InRoles(role), ExportDataSet.Study, output, default));
        Assert.Equal(0, output.Length);
    }

    private Task<(string Csv, ExportSummary Summary)> DownloadAsync(Guid studyId) => DownloadAsync(_db, studyId);

    private static async Task<(string Csv, ExportSummary Summary)> DownloadAsync(ShardedDatabase db, Guid studyId)
    {
        using var output = new MemoryStream();
        var summary = await db.Get<ExportService>().DownloadAsync(Researcher, studyId, output, default);
        return (Encoding.UTF8.GetString(output.ToArray()), summary);
    }

    private static HashSet<string> ResearchIds(string csv) =>
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)]).ToHashSet();

    /// <summary><see cref="ExportDataSet"/> on two shards, the clock standing at <see cref="TestPatients.Now"/>.</summary>
    public abstract class GoldenInstallation(TestProvider provider) : IAsyncLifetime
    {
        public TestProvider Provider => provider;

        public ShardedDatabase Db { get; private set; } = default!;

        public static async Task<ShardedDatabase> CreateAsync(TestProvider provider)
        {
            var db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, clock: new FakeTimeProvider(TestPatients.Now), settings: ExportDataSet.Settings);
            await ExportDataSet.WriteAsync(db);
            return db;
        }

        public async Task InitializeAsync() => Db = await CreateAsync(provider);

        public async Task DisposeAsync() => await Db.DisposeAsync();
    }

    public sealed class SqliteGoldenInstallation() : GoldenInstallation(TestProvider.Sqlite);

    public sealed class PostgresGoldenInstallation() : GoldenInstallation(TestProvider.Postgres);

    public sealed class OnSqlite(SqliteGoldenInstallation installation) : ExportServiceTests(installation), IClassFixture<SqliteGoldenInstallation>;

    public sealed class OnPostgres(PostgresGoldenInstallation installation) : ExportServiceTests(installation), IClassFixture<PostgresGoldenInstallation>;
}
