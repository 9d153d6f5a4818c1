using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Validation;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Permissions;

/// <summary>
/// The Patient role's own-record scope (<see cref="AccessScope.OwnPatientRecord"/>) through the Core services: another
/// patient's record, visit or enrollment is answered exactly like an id that does not exist (no IDOR, and no way to
/// probe which ids exist). The two patients sit on different shards, so a leak through routing would show too.
/// </summary>
public abstract class OwnRecordScopeTests(TestProvider provider) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private ShardedDatabase _db = default!;
    private Patient _own = default!;
    private Patient _other = default!;
    private TestUser _patient = default!;

    private static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, clock: _clock);
        var map = _db.Get<IShardMap>();
        _own = TestPatients.New(given: "Ownie", family: "Selfsame", id: TestPatients.IdOnShard(map, "shard-0"));
        _other = TestPatients.New(given: "Otto", family: "Elsewhere", id: TestPatients.IdOnShard(map, "shard-1"), birthDate: new DateOnly(1975, 5, 5));
        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, _own, None);
        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, _other, None);
        _patient = TestUser.PatientAccount(_own.Id);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GetAsync_PatientAsksForAnotherPatient_SameAnswerAsForAMissingId()
    {
        var patients = _db.Get<PatientService>();

        var forOther = await Assert.ThrowsAsync<RecordNotFoundException>(() => patients.GetAsync(_patient, _other.Id, None));
        var forMissing = await Assert.ThrowsAsync<RecordNotFoundException>(() => patients.GetAsync(_patient, Guid.CreateVersion7(), None));

        Assert.Equal((forMissing.Resource, forMissing.Message), (forOther.Resource, forOther.Message));
        Assert.Equal(_own.Id, (await patients.GetAsync(_patient, _own.Id, None)).Id);
    }

    [Fact]
    public async Task GetAsync_PatientAsksForAnotherPatientsVisit_SameAnswerAsForAMissingId()
    {
        var visits = _db.Get<VisitService>();
        var ownVisit = TestVisits.For(_own);
        var otherVisit = TestVisits.For(_other);
        await _db.Get<IVisitStore>().AddAsync(AuditActor.System, ownVisit, None);
        await _db.Get<IVisitStore>().AddAsync(AuditActor.System, otherVisit, None);

        var forOther = await Assert.ThrowsAsync<RecordNotFoundException>(() => visits.GetAsync(_patient, otherVisit.Id, None));
        var forMissing = await Assert.ThrowsAsync<RecordNotFoundException>(() => visits.GetAsync(_patient, Guid.CreateVersion7(), None));

        Assert.Equal((forMissing.Resource, forMissing.Message), (forOther.Resource, forOther.Message));
        Assert.Equal(ownVisit.Id, (await visits.GetAsync(_patient, ownVisit.Id, None)).Id);
    }

    [Fact]
    public async Task ListForPatientAsync_PatientAsksForAnotherPatientsVisits_SameAnswerAsForAMissingPatient()
    {
        var visits = _db.Get<VisitService>();
        await _db.Get<IVisitStore>().AddAsync(AuditActor.System, TestVisits.For(_other), None);

        var forOther = await Assert.ThrowsAnyAsync<Exception>(() => visits.ListForPatientAsync(_patient, _other.Id, null, null, None));
        var forMissing = await Assert.ThrowsAnyAsync<Exception>(() => visits.ListForPatientAsync(_patient, Guid.CreateVersion7(), null, null, None));

        Assert.IsType<RecordNotFoundException>(forOther);
        Assert.Equal((forMissing.GetType(), forMissing.Message), (forOther.GetType(), forOther.Message));
    }

    [Fact]
    public async Task GetAsync_PatientAsksForAnotherPatientsEnrollment_SameAnswerAsForAMissingId()
    {
        var enrollments = _db.Get<EnrollmentService>();
        var (ownEnrollment, otherEnrollment) = await EnrollBothAsync();

        var forOther = await Assert.ThrowsAsync<RecordNotFoundException>(() => enrollments.GetAsync(_patient, otherEnrollment.Id, None));
        var forMissing = await Assert.ThrowsAsync<RecordNotFoundException>(() => enrollments.GetAsync(_patient, Guid.CreateVersion7(), None));

        Assert.Equal((forMissing.Resource, forMissing.Message), (forOther.Resource, forOther.Message));
        Assert.Equal(ownEnrollment.Id, (await enrollments.GetAsync(_patient, ownEnrollment.Id, None)).Id);
    }

    [Fact]
    public async Task WithdrawAsync_PatientWithdrawsAnotherPatientsEnrollment_IsNotFoundAndTheEnrollmentStaysActive()
    {
        var (_, otherEnrollment) = await EnrollBothAsync();

        await Assert.ThrowsAsync<RecordNotFoundException>(() => _db.Get<EnrollmentService>().WithdrawAsync(_patient, otherEnrollment.Id, None));

        Assert.Null((await _db.Get<IEnrollmentStore>().FindAsync(otherEnrollment.Id, None))!.WithdrawnAt);
    }

    [Fact]
    public async Task EnrollAsync_PatientConsentsForAnotherPatient_IsNotFoundAndNothingIsStored()
    {
        var study = await _db.Get<IStudyStore>().AddAsync(AuditActor.System, TestStudies.New(StudyStatus.Recruiting), None);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            _db.Get<EnrollmentService>().EnrollAsync(_patient, study.Id, _other.Id, TestPatients.Now.AddDays(-1), None));

        Assert.Empty(await _db.Get<IEnrollmentStore>().ListForStudyAsync(study.Id, onlyPatientId: null, None));
    }

    [Fact]
    public async Task ListForStudyAsync_Patient_SeesOnlyItsOwnEnrollment()
    {
        var (ownEnrollment, _) = await EnrollBothAsync();

        var seen = await _db.Get<EnrollmentService>().ListForStudyAsync(_patient, ownEnrollment.StudyId, None);

        Assert.Equal([ownEnrollment.Id], seen.Select(e => e.Id));
    }

    [Fact]
    public async Task UpdateAsync_PatientChangesAnotherPatientsContactDetails_IsNotFoundAndNothingChanges()
    {
        var patients = _db.Get<PatientService>();
        var change = TestPatients.Input(given: "Otto", family: "Elsewhere", birthDate: _other.BirthDate) with { Phone = "+1 555 010 9999" };

        await Assert.ThrowsAsync<RecordNotFoundException>(() => patients.UpdateAsync(_patient, _other.Id, change, _other.Version, None));

        var stored = await _db.Get<IPatientStore>().FindAsync(_other.Id, None);
        Assert.Equal((1, null), (stored!.Version, stored.Phone));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Elsewhere")]
    [InlineData("Otto Elsewhere")]
    [InlineData("1975-05-05")]
    [InlineData("Selfsame")]
    [InlineData("e")]
    public async Task SearchAsync_Patient_NeverSeesAnotherPatient(string text)
    {
        var otherMrnPrefix = _other.Mrn[..4];
        var patients = _db.Get<PatientService>();

        var byText = await patients.SearchAsync(_patient, PatientSearch.Parse(text, null, null), None);
        var byOtherMrn = await patients.SearchAsync(_patient, PatientSearch.Parse(otherMrnPrefix, null, null), None);

        Assert.All(byText.Items.Concat(byOtherMrn.Items), p => Assert.Equal(_own.Id, p.Id));
        Assert.Null(byText.NextCursor);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Selfsame")]
    [InlineData("Ownie Selfsame")]
    [InlineData("1980-01-01")]
    public async Task SearchAsync_PatientSearchingForItself_FindsExactlyItsOwnRecord(string text)
    {
        var page = await _db.Get<PatientService>().SearchAsync(_patient, PatientSearch.Parse(text, null, null), None);

        Assert.Equal([_own.Id], page.Items.Select(p => p.Id));
    }

    [Fact]
    public async Task SearchAsync_Staff_FindsBothPatients_SoTheScopeIsWhatHidesTheOther()
    {
        var page = await _db.Get<PatientService>().SearchAsync(TestUser.InRoles(RoleNames.Nurse), PatientSearch.Parse("", null, null), None);

        Assert.Equal(new[] { _own.Id, _other.Id }.Order(), page.Items.Select(p => p.Id).Order());
    }

    public static TheoryData<string, PatientInput> IdentityChanges => new()
    {
        { "givenName", OwnInput() with { GivenName = "Renamed" } },
        { "familyName", OwnInput() with { FamilyName = "Renamed" } },
        { "birthDate", OwnInput() with { BirthDate = new DateOnly(1981, 2, 3) } },
        { "sex", OwnInput() with { Sex = Sex.Female } },
        { "mrn", OwnInput() with { Mrn = "CHANGED-1" } },
    };

    [Theory]
    [MemberData(nameof(IdentityChanges))]
    public async Task UpdateAsync_PatientChangesOwnIdentityField_IsRefusedAndNothingChanges(string field, PatientInput input)
    {
        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            _db.Get<PatientService>().UpdateAsync(_patient, _own.Id, input with { Phone = "+1 555 010 2030" }, _own.Version, None));

        Assert.Equal([field], refusal.Errors.Keys);
        Assert.Equal(_own.ToDto(), await _db.Get<IPatientStore>().FindAsync(_own.Id, None));
    }

    [Fact]
    public async Task UpdateAsync_PatientChangesOnlyFamilyNameLeavingGivenNameOut_NamesTheFamilyNameField()
    {
        // Own-record updates treat an omitted identity field as "unchanged", so a partial form is legitimate input.
        var input = OwnInput() with { GivenName = null, FamilyName = "Renamed" };

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            _db.Get<PatientService>().UpdateAsync(_patient, _own.Id, input, _own.Version, None));

        Assert.Equal(["familyName"], refusal.Errors.Keys);
    }

    [Fact]
    public async Task UpdateAsync_PatientChangesOwnContactDetails_IsStoredAndIdentityKept()
    {
        var input = OwnInput() with
        {
            Phone = "+1 555 010 2030",
            Email = "ownie@example.test",
            AddressLine = "1 Test Street",
            City = "Testville",
            State = "CA",
            PostalCode = "00000",
        };

        var updated = await _db.Get<PatientService>().UpdateAsync(_patient, _own.Id, input, _own.Version, None);

        var stored = await _db.Get<IPatientStore>().FindAsync(_own.Id, None);
        Assert.Equal(updated, stored);
        Assert.Equal(("+1 555 010 2030", "ownie@example.test", "1 Test Street", "Testville", "CA", "00000", 2),
            (stored!.Phone, stored.Email, stored.AddressLine, stored.City, stored.State, stored.PostalCode, stored.Version));
        Assert.Equal((_own.Mrn, "Ownie", "Selfsame", _own.BirthDate, _own.Sex),
            (stored.Mrn, stored.GivenName, stored.FamilyName, stored.BirthDate, stored.Sex));
    }

    [Fact]
    public async Task UpdateAsync_PatientSendsIdentityFieldsLeftOut_KeepsThemAndStoresTheContactChange()
    {
        var input = new PatientInput { Phone = "+1 555 010 2030" };

        var updated = await _db.Get<PatientService>().UpdateAsync(_patient, _own.Id, input, _own.Version, None);

        Assert.Equal(("Ownie", "Selfsame", _own.BirthDate, "+1 555 010 2030"), (updated.GivenName, updated.FamilyName, updated.BirthDate, updated.Phone));
    }

    private static PatientInput OwnInput() => TestPatients.Input(given: "Ownie", family: "Selfsame");

    private async Task<(EnrollmentDto Own, EnrollmentDto Other)> EnrollBothAsync()
    {
        var study = await _db.Get<IStudyStore>().AddAsync(AuditActor.System, TestStudies.New(StudyStatus.Recruiting), None);
        var store = _db.Get<IEnrollmentStore>();
        var own = await store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, _own.Id, TestPatients.Now.AddDays(-2), TestPatients.Now), None);
        var other = await store.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, _other.Id, TestPatients.Now.AddDays(-2), TestPatients.Now), None);
        return (own, other);
    }

    public sealed class OnSqlite() : OwnRecordScopeTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : OwnRecordScopeTests(TestProvider.Postgres);
}
