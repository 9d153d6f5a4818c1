using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Validation;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Accounts;

/// <summary>Patient self-registration against the real catalog and shards.</summary>
public abstract class RegistrationServiceTests(TestProvider provider) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private ShardedDatabase _db = default!;

    private RegistrationService Service => _db.Get<RegistrationService>();

    private static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, clock: _clock);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task RegisterAsync_NewEmail_CreatesAPatientRecordAndAPatientAccountLinkedToIt()
    {
        var registration = Registration("  New.Patient@Example.Test ") with
        {
            Patient = TestPatients.Input(given: "Newly", family: "Registered", mrn: "CHOSEN-1") with { Phone = "+1 555 010 2030" },
        };

        var account = await Service.RegisterAsync(registration, None);

        Assert.Equal(("new.patient@example.test", "Newly Registered"), (account.Email, account.DisplayName));
        Assert.Equal([RoleNames.Patient], account.Roles);
        var patient = await _db.Get<IPatientStore>().FindAsync(account.PatientId!.Value, None);
        Assert.Equal(("Newly", "Registered", "+1 555 010 2030", "new.patient@example.test"),
            (patient!.GivenName, patient.FamilyName, patient.Phone, patient.Email));
        Assert.NotEqual("CHOSEN-1", patient.Mrn); // the clinic's server assigns the MRN, never the registrant
        var stored = await _db.Get<IAccountDirectory>().FindAsync(account.Id, None);
        Assert.Equal((account.Email, account.PatientId), (stored!.Email, stored.PatientId));
        Assert.Equal([RoleNames.Patient], stored.Roles);
    }

    [Fact]
    public async Task RegisterAsync_NewAccount_ReachesItsOwnRecordOnlyAsAPatient()
    {
        var account = await Service.RegisterAsync(Registration(TestAccounts.UniqueEmail("patient")), None);
        var user = TestUser.PatientAccount(account.PatientId);

        var own = await _db.Get<PatientService>().GetAsync(user, account.PatientId!.Value, None);
        var staffList = await Record.ExceptionAsync(() => _db.Get<AccountService>().ListStaffAsync(user, None));

        Assert.Equal(account.PatientId, own.Id);
        Assert.IsType<AccessDeniedException>(staffList);
    }

    [Theory]
    [InlineData("taken@clinic.test")]
    [InlineData("Taken@Clinic.Test")]
    public async Task RegisterAsync_EmailOfAStaffAccount_IsRefusedBeforeAnyRecordIsCreated(string email)
    {
        var staff = await _db.Get<IAccountDirectory>().CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Admin, email: "taken@clinic.test"), None);
        var before = await DatabaseFingerprint.TakeAsync(_db);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() => Service.RegisterAsync(Registration(email), None));

        Assert.Equal(["email"], refusal.Errors.Keys);
        Assert.Equal(before, await DatabaseFingerprint.TakeAsync(_db));
        Assert.Equal([RoleNames.Admin], (await _db.Get<IAccountDirectory>().FindAsync(staff.Id, None))!.Roles);
    }

    [Fact]
    public async Task RegisterAsync_EmailOfAnotherPatient_IsRefusedAndThatAccountKeepsItsRecord()
    {
        var first = await Service.RegisterAsync(Registration("first@example.test"), None);
        var before = await DatabaseFingerprint.TakeAsync(_db);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Service.RegisterAsync(Registration("first@example.test") with { Password = "A-Different-Password-1" }, None));

        Assert.Equal(["email"], refusal.Errors.Keys);
        Assert.Equal(before, await DatabaseFingerprint.TakeAsync(_db));
        Assert.Equal(first.PatientId, (await _db.Get<IAccountDirectory>().FindAsync(first.Id, None))!.PatientId);
    }

    [Fact]
    public async Task RegisterAsync_InvalidInput_IsRefusedPerFieldAndNothingStored()
    {
        var registration = new SelfRegistration
        {
            Email = "not an address",
            Password = "short",
            Patient = TestPatients.Input() with { GivenName = null },
        };
        var before = await DatabaseFingerprint.TakeAsync(_db);

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() => Service.RegisterAsync(registration, None));

        Assert.Equal(["email", "givenName", "password"], refusal.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(before, await DatabaseFingerprint.TakeAsync(_db));
    }

    [Fact]
    public async Task RegisterAsync_SameEmailTwiceAtTheSameMoment_LeavesExactlyOneAccountAndOneRecord()
    {
        var outcomes = new List<string>();
        for (var round = 0; round < 4; round++)
        {
            var email = TestAccounts.UniqueEmail("race");
            var registration = Registration(email);

            var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => OutcomeAsync(registration))));

            outcomes.Add($"round {round}: {string.Join(" / ", results.Select(r => r.Outcome))}");
            var accounts = await AccountIdsWithEmailAsync(email);
            var records = await PatientIdsWithEmailAsync(email);
            var winner = Assert.Single(results, r => r.Account is not null).Account!;
            Assert.True(accounts.Count == 1 && records.Count == 1, $"{accounts.Count} account(s), {records.Count} record(s); {string.Join("; ", outcomes)}");
            Assert.Equal((winner.Id, winner.PatientId), (accounts[0], records[0]));
        }
    }

    private static SelfRegistration Registration(string email) => new()
    {
        Email = email,
        Password = TestAccounts.Password,
        Patient = TestPatients.Input(given: "Selfy", family: "Registrant"),
    };

    private async Task<(AccountDto? Account, string Outcome)> OutcomeAsync(SelfRegistration registration)
    {
        try
        {
            var account = await Service.RegisterAsync(registration, None);
            return (account, "registered");
        }
        catch (ValidationFailedException refusal)
        {
            return (null, $"refused on {string.Join(",", refusal.Errors.Keys)}");
        }
        catch (DbUpdateException failure)
        {
            // Reported in the assertion message, not hidden: the counts are what this test is about.
            return (null, $"{failure.GetType().Name}: {failure.InnerException?.Message ?? failure.Message}");
        }
    }

    private async Task<List<string>> AccountIdsWithEmailAsync(string email)
    {
        await using var catalog = await _db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        var normalized = email.ToUpperInvariant();
        return await catalog.Users.Where(u => u.NormalizedEmail == normalized || u.NormalizedUserName == normalized).Select(u => u.Id).ToListAsync();
    }

    private async Task<List<Guid?>> PatientIdsWithEmailAsync(string email)
    {
        var ids = new List<Guid?>();
        foreach (var shard in _db.Get<IShardMap>().Shards)
        {
            await using var context = _db.OpenShard(shard);
            ids.AddRange(await context.Patients.Where(p => p.Email == email).Select(p => (Guid?)p.Id).ToListAsync());
        }

        return ids;
    }

    public sealed class OnSqlite() : RegistrationServiceTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : RegistrationServiceTests(TestProvider.Postgres);
}
