using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Tests.Infrastructure;

namespace MedicalPortal.Data.Tests.Patients;

/// <summary>
/// Search fans out over the shards and merges. Its pages, followed cursor by cursor, must be exactly what one list
/// holding every patient returns, and exactly what a single database holding them all returns.
/// </summary>
public abstract class PatientSearchTests(PatientSearchTests.Fixture fixture)
{
    private readonly TestProvider _provider = fixture.Provider;
    private readonly List<Patient> _patients = fixture.Patients;
    private readonly ShardedDatabase _twoShards = fixture.TwoShards;
    private readonly ShardedDatabase _oneShard = fixture.OneShard;

    public static TheoryData<string?, int> Searches => new()
    {
        { null, 7 },
        { "", 50 },
        { "smi", 5 },
        { "SMITH", 3 },
        { "jon", 4 },
        { "jons", 2 },
        { "an", 6 },
        { "ana smith", 2 },
        { "o'b", 3 },
        { "nunez", 4 },
        { "1951-01-02", 5 },
        { "1/2/1950", 4 },
        { "t1", 9 },
        { "li 1950-02-01", 1 },
        { "nobody", 5 },
    };

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task SearchAsync_FollowingEveryCursor_EqualsTheSingleListReference(string? text, int pageSize)
    {
        var expected = Reference(text);

        var twoShards = await ReadAllPagesAsync(_twoShards.Get<IPatientStore>(), text, pageSize);
        var oneShard = await ReadAllPagesAsync(_oneShard.Get<IPatientStore>(), text, pageSize);

        Assert.Equal(expected.Select(p => p.Mrn), twoShards.SelectMany(page => page).Select(p => p.Mrn));
        Assert.Equal(oneShard.Select(page => page.Select(p => p.Mrn).ToList()), twoShards.Select(page => page.Select(p => p.Mrn).ToList()));
        Assert.All(twoShards.SkipLast(1), page => Assert.Equal(pageSize, page.Count));
    }

    [Fact]
    public async Task SearchAsync_BothShardsContributeToTheFirstPage()
    {
        var page = await _twoShards.Get<IPatientStore>().SearchAsync(PatientSearch.Parse(null, null, 60), CancellationToken.None);
        var map = _twoShards.Get<IShardMap>();

        Assert.Equal(2, page.Items.Select(p => map.ShardForPatient(p.Id)).Distinct().Count());
    }

    [Fact]
    public async Task SearchAsync_OnlyPatientId_ReturnsThatPatientAlone()
    {
        var target = _patients[17];
        var search = PatientSearch.Parse(null, null, 50) with { OnlyPatientId = target.Id };

        var page = await _twoShards.Get<IPatientStore>().SearchAsync(search, CancellationToken.None);

        Assert.Equal(target.Id, Assert.Single(page.Items).Id);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task SearchAsync_NamesWhoseOrderDependsOnTheCollation_TwoShardsPageExactlyAsOneDatabaseInCodePointOrder()
    {
        // Arrange: letters outside A-Z, apostrophes, spaces and hyphenated MRNs, which a linguistic collation (any but
        // "C" or a BIN2) orders otherwise than code points do; accents and case, which the name keys fold ("Zeta" and
        // "zeta" tie, and the MRN decides). Inserted in id order, not name order.
        string[] families =
        [
            "Øster", "Ångström", "zeta", "Zeta", "Éclair", "eclair", "O'Brien", "Obrien", "Van der Berg", "Vanderberg",
            "von Trapp", "Ł", "ß", "Ss", "Lz", "Oz", "Aa", "Äb", "Ab",
        ];
        string[] givens = ["Émile", "emile", "Zoë", "Zoe"];
        var patients = families
            .SelectMany((family, f) => givens.Take(1 + (f % 3))
                .Select((given, g) => TestPatients.New(given: given, family: family, mrn: $"C{(f + g) % 2}-{f:D2}{g}")))
            .Concat(families.Take(4).Select((family, f) => TestPatients.New(given: "Émile", family: family, mrn: $"C0{f}{f}{f}")))
            .ToList();
        var byCodePoint = patients.Select(p => p.ToDto()).OrderBy(PatientSortKey.Of).Select(p => p.Mrn).ToList();
        var linguistic = StringComparer.InvariantCulture;
        var byLinguisticCollation = patients.Select(p => p.ToDto())
            .OrderBy(p => NameKey.For(p.FamilyName), linguistic).ThenBy(p => NameKey.For(p.GivenName), linguistic).ThenBy(p => p.Mrn, linguistic)
            .Select(p => p.Mrn).ToList();
        Assert.NotEqual(byCodePoint, byLinguisticCollation); // or these names could not tell the two orders apart

        await using var oneShard = await ShardedDatabase.CreateAsync(_provider, shardCount: 1);
        await using var twoShards = await ShardedDatabase.CreateAsync(_provider, shardCount: 2);
        foreach (var patient in patients.OrderBy(p => p.Id))
        {
            await oneShard.Get<IPatientStore>().AddAsync(AuditActor.System, Fixture.Clone(patient), CancellationToken.None);
            await twoShards.Get<IPatientStore>().AddAsync(AuditActor.System, Fixture.Clone(patient), CancellationToken.None);
        }

        // Act
        var onOne = await ReadAllPagesAsync(oneShard.Get<IPatientStore>(), null, 4);
        var onTwo = await ReadAllPagesAsync(twoShards.Get<IPatientStore>(), null, 4);

        // Assert
        Assert.Equal(onOne.Select(page => page.Select(p => p.Mrn).ToList()), onTwo.Select(page => page.Select(p => p.Mrn).ToList()));
        Assert.Equal(byCodePoint, onTwo.SelectMany(page => page).Select(p => p.Mrn));
        var map = twoShards.Get<IShardMap>();
        Assert.Equal(2, onTwo.SelectMany(page => page).Select(p => map.ShardForPatient(p.Id)).Distinct().Count());
    }

    private List<PatientDto> Reference(string? text)
    {
        var search = PatientSearch.Parse(text, null, 200);
        return _patients.Select(p => p.ToDto())
            .Where(p => search.NamePrefixes.All(n =>
                NameKey.For(p.FamilyName).StartsWith(n, StringComparison.Ordinal) ||
                NameKey.For(p.GivenName).StartsWith(n, StringComparison.Ordinal)))
            .Where(p => search.MrnPrefix is null || p.Mrn.StartsWith(search.MrnPrefix, StringComparison.Ordinal))
            .Where(p => search.BirthDate is null || p.BirthDate == search.BirthDate)
            .OrderBy(PatientSortKey.Of)
            .ToList();
    }

    private static async Task<List<List<PatientDto>>> ReadAllPagesAsync(IPatientStore store, string? text, int pageSize)
    {
        var pages = new List<List<PatientDto>>();
        string? cursor = null;
        do
        {
            var page = await store.SearchAsync(PatientSearch.Parse(text, cursor, pageSize), CancellationToken.None);
            pages.Add([.. page.Items]);
            cursor = page.NextCursor;
            Assert.True(pages.Count < 200, "The cursor never ended.");
        }
        while (cursor is not null);

        return pages;
    }

    /// <summary>The same 160 patients in a two-shard and in a one-shard installation.</summary>
    public abstract class Fixture(TestProvider provider) : IAsyncLifetime
    {
        private static readonly string[] Families = ["Smith", "Smithson", "Smyth", "Jones", "Jónsdóttir", "O'Brien", "Nguyen", "Núñez", "Lee", "Li"];
        private static readonly string[] Givens = ["Anna", "Ana", "Ánh", "Bob", "Chloé", "David", "Smith", "Zoë"];

        public TestProvider Provider => provider;

        public List<Patient> Patients { get; } = [];

        public ShardedDatabase TwoShards { get; private set; } = default!;

        public ShardedDatabase OneShard { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            TwoShards = await ShardedDatabase.CreateAsync(provider, shardCount: 2);
            OneShard = await ShardedDatabase.CreateAsync(provider, shardCount: 1);

            // Many equal names, so the MRN tie-breaker and the cursor both matter.
            var random = new Random(7);
            for (var i = 0; i < 160; i++)
            {
                var birthDate = new DateOnly(1950 + random.Next(3), 1 + random.Next(2), 1 + random.Next(2));
                Patients.Add(TestPatients.New(
                    given: Givens[random.Next(Givens.Length)],
                    family: Families[random.Next(Families.Length)],
                    mrn: $"T{random.Next(1000, 10000)}-{i:000}",
                    birthDate: birthDate));
            }

            foreach (var patient in Patients)
            {
                await TwoShards.Get<IPatientStore>().AddAsync(AuditActor.System, patient, CancellationToken.None);
                await OneShard.Get<IPatientStore>().AddAsync(AuditActor.System, Clone(patient), CancellationToken.None);
            }
        }

        public async Task DisposeAsync()
        {
            await TwoShards.DisposeAsync();
            await OneShard.DisposeAsync();
        }

        /// <summary>The same patient again, for a second installation.</summary>
        internal static Patient Clone(Patient p) => Patient.Register(p.Id, p.Mrn, new PatientInput
        {
            GivenName = p.GivenName, FamilyName = p.FamilyName, BirthDate = p.BirthDate, Sex = p.Sex,
        }, TestPatients.Now);
    }

    public sealed class SqliteFixture() : Fixture(TestProvider.Sqlite);

    public sealed class PostgresFixture() : Fixture(TestProvider.Postgres);

    public sealed class OnSqlite(SqliteFixture fixture) : PatientSearchTests(fixture), IClassFixture<SqliteFixture>;

    public sealed class OnPostgres(PostgresFixture fixture) : PatientSearchTests(fixture), IClassFixture<PostgresFixture>;
}
