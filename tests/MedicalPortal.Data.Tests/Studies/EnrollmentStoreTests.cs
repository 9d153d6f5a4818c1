using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Validation;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Studies;

/// <summary>Enrollments on their patients' shards, and the rules <see cref="EnrollmentService"/> puts in front of them.</summary>
public abstract class EnrollmentStoreTests(TestProvider provider) : IAsyncLifetime
{
    private static readonly DateTimeOffset Consented = TestPatients.Now.AddDays(-1);

    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private ShardedDatabase _db = default!;

    private IEnrollmentStore Store => _db.Get<IEnrollmentStore>();

    private static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, clock: _clock);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task AddAsync_SamePatientAndStudyTwice_ReturnsTheActiveEnrollment()
    {
        var study = await AddStudyAsync();
        var patient = await AddPatientAsync("shard-0");

        var first = await Store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, Consented, TestPatients.Now), None);
        var second = await Store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, Consented.AddHours(1), TestPatients.Now), None);

        Assert.Equal(first, second);
        Assert.Equal(1, await CountRowsAsync(patient.Id, study.Id, activeOnly: false));
    }

    [Theory]
    [InlineData("shard-0")]
    [InlineData("shard-1")]
    public async Task AddAsync_ConsentsRacing_LeaveExactlyOneActiveEnrollment(string shard)
    {
        var study = await AddStudyAsync();
        for (var round = 0; round < 5; round++)
        {
            var patient = await AddPatientAsync(shard);
            var contenders = Enumerable.Range(0, 6)
                .Select(_ => Enrollment.Consent(study.Id, patient.Id, Consented, TestPatients.Now))
                .ToList();

            var results = await Task.WhenAll(contenders.Select(e => Task.Run(() => Store.AddAsync(AuditActor.System, e, None))));

            Assert.Single(results.Select(r => r.Id).Distinct());
            Assert.Equal(1, await CountRowsAsync(patient.Id, study.Id, activeOnly: true));
            Assert.Equal(1, await CountRowsAsync(patient.Id, study.Id, activeOnly: false));
        }
    }

    [Fact]
    public async Task EnrollAsync_TwiceThroughTheService_ReturnsTheSameEnrollment()
    {
        var enrollments = _db.Get<EnrollmentService>();
        var study = await AddStudyAsync();
        var patient = await AddPatientAsync("shard-1");

        var first = await enrollments.EnrollAsync(TestUser.Admin, study.Id, patient.Id, Consented, None);
        var second = await enrollments.EnrollAsync(TestUser.PatientAccount(patient.Id), study.Id, patient.Id, Consented, None);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, await CountRowsAsync(patient.Id, study.Id, activeOnly: false));
    }

    [Fact]
    public async Task AddAsync_AfterWithdrawal_CreatesANewEnrollmentAndKeepsTheWithdrawnOne()
    {
        var study = await AddStudyAsync();
        var patient = await AddPatientAsync("shard-0");
        var first = await Store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, Consented.AddDays(-10), TestPatients.Now), None);
        var withdrawn = await Store.WithdrawAsync(AuditActor.System, first.Id, TestPatients.Now.AddDays(-5), None);

        var again = await Store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, Consented, TestPatients.Now), None);

        Assert.NotEqual(first.Id, again.Id);
        Assert.Null(again.WithdrawnAt);
        Assert.Equal(TestPatients.Now.AddDays(-5), withdrawn.WithdrawnAt);
        var history = await Store.ListForPatientAsync(patient.Id, None);
        Assert.Equal([first.Id, again.Id], history.Select(e => e.Id));
        Assert.Equal(1, await CountRowsAsync(patient.Id, study.Id, activeOnly: true));
    }

    [Fact]
    public async Task WithdrawAsync_Twice_KeepsTheFirstWithdrawal()
    {
        var study = await AddStudyAsync();
        var patient = await AddPatientAsync("shard-1");
        var enrollment = await Store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, Consented, TestPatients.Now), None);

        var first = await Store.WithdrawAsync(AuditActor.System, enrollment.Id, TestPatients.Now, None);
        var second = await Store.WithdrawAsync(AuditActor.System, enrollment.Id, TestPatients.Now.AddDays(1), None);

        Assert.Equal(first, second);
        Assert.Equal(TestPatients.Now, second.WithdrawnAt);
    }

    [Fact]
    public async Task ListForStudyAsync_PatientsOnBothShards_GathersEveryEnrollmentOldestConsentFirst()
    {
        var study = await AddStudyAsync();
        var otherStudy = await AddStudyAsync();
        var onFirst = await AddPatientAsync("shard-0");
        var onSecond = await AddPatientAsync("shard-1");
        var alsoOnFirst = await AddPatientAsync("shard-0");
        var late = await Store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, onFirst.Id, Consented, TestPatients.Now), None);
        var early = await Store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, onSecond.Id, Consented.AddDays(-3), TestPatients.Now), None);
        var middle = await Store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, alsoOnFirst.Id, Consented.AddDays(-2), TestPatients.Now), None);
        await Store.AddAsync(AuditActor.System, Enrollment.Consent(otherStudy.Id, onSecond.Id, Consented, TestPatients.Now), None);

        var all = await Store.ListForStudyAsync(study.Id, onlyPatientId: null, None);
        var one = await Store.ListForStudyAsync(study.Id, onSecond.Id, None);

        var map = _db.Get<IShardMap>();
        Assert.Equal(["shard-0", "shard-1", "shard-0"], new[] { late, early, middle }.Select(e => map.ShardForRecord(e.Id)));
        Assert.Equal([early.Id, middle.Id, late.Id], all.Select(e => e.Id));
        Assert.Equal([early.Id], one.Select(e => e.Id));
        Assert.Equal(3, await Store.CountForStudyAsync(study.Id, None));
    }

    [Theory]
    [InlineData(StudyStatus.Draft)]
    [InlineData(StudyStatus.Closed)]
    public async Task EnrollAsync_StudyNotTakingParticipants_IsRefusedAndNothingStored(StudyStatus status)
    {
        var study = await AddStudyAsync(status);
        var patient = await AddPatientAsync("shard-0");

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            _db.Get<EnrollmentService>().EnrollAsync(TestUser.InRoles(RoleNames.Doctor), study.Id, patient.Id, Consented, None));

        Assert.Equal(["studyId"], refusal.Errors.Keys);
        Assert.Empty(await Store.ListForPatientAsync(patient.Id, None));
    }

    [Theory]
    [InlineData(StudyStatus.Recruiting)]
    [InlineData(StudyStatus.Active)]
    public async Task EnrollAsync_StudyTakingParticipants_StoresTheConsent(StudyStatus status)
    {
        var study = await AddStudyAsync(status);
        var patient = await AddPatientAsync("shard-1");

        var enrollment = await _db.Get<EnrollmentService>().EnrollAsync(TestUser.InRoles(RoleNames.Doctor), study.Id, patient.Id, Consented, None);

        Assert.Equal((study.Id, patient.Id, Consented, null), (enrollment.StudyId, enrollment.PatientId, enrollment.ConsentedAt, enrollment.WithdrawnAt));
        Assert.Equal([enrollment], await Store.ListForPatientAsync(patient.Id, None));
    }

    [Fact]
    public async Task CorrectConsentAsync_StaleVersion_IsAConflictAndKeepsTheFirstCorrection()
    {
        var study = await AddStudyAsync();
        var patient = await AddPatientAsync("shard-0");
        var enrollment = await Store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, Consented, TestPatients.Now), None);
        await Store.CorrectConsentAsync(AuditActor.System, enrollment.Id, enrollment.Version, Consented.AddDays(-1), TestPatients.Now, None);

        await Assert.ThrowsAsync<Core.Records.ConcurrencyConflictException>(() =>
            Store.CorrectConsentAsync(AuditActor.System, enrollment.Id, enrollment.Version, Consented.AddDays(-2), TestPatients.Now, None));

        var stored = await Store.FindAsync(enrollment.Id, None);
        Assert.Equal((Consented.AddDays(-1), 2), (stored!.ConsentedAt, stored.Version));
    }

    [Fact]
    public async Task AddAsync_PatientDeleted_EnrollmentsGoWithThePatient()
    {
        var study = await AddStudyAsync();
        var patient = await AddPatientAsync("shard-1");
        var enrollment = await Store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, Consented, TestPatients.Now), None);

        await _db.Get<IPatientStore>().DeleteAsync(AuditActor.System, patient.Id, expectedVersion: null, None);

        Assert.Null(await Store.FindAsync(enrollment.Id, None));
        await Assert.ThrowsAsync<Core.Records.RecordNotFoundException>(() =>
            Store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, Consented, TestPatients.Now), None));
    }

    private async Task<StudyDto> AddStudyAsync(StudyStatus status = StudyStatus.Recruiting) =>
        await _db.Get<IStudyStore>().AddAsync(AuditActor.System, TestStudies.New(status), None);

    private async Task<Patient> AddPatientAsync(string shard)
    {
        var patient = TestPatients.New(id: TestPatients.IdOnShard(_db.Get<IShardMap>(), shard));
        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, patient, None);
        return patient;
    }

    private async Task<int> CountRowsAsync(Guid patientId, Guid studyId, bool activeOnly)
    {
        await using var shard = _db.OpenShard(_db.Get<IShardMap>().ShardForPatient(patientId));
        return await shard.Enrollments.CountAsync(e =>
            e.PatientId == patientId && e.StudyId == studyId && (!activeOnly || e.WithdrawnAt == null));
    }

    public sealed class OnSqlite() : EnrollmentStoreTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : EnrollmentStoreTests(TestProvider.Postgres);
}
