using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Validation;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Data.Tests.Studies;

/// <summary>Studies in the catalog, through the store and through <see cref="StudyService"/> as an admin.</summary>
public abstract class StudyStoreTests(TestProvider provider) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(TestPatients.Now);
    private ShardedDatabase _db = default!;

    private IStudyStore Store => _db.Get<IStudyStore>();

    private StudyService Service => _db.Get<StudyService>();

    private static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 2, clock: _clock);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task CreateUpdateDelete_RoundTrip_StoreFollowsEveryStep()
    {
        var created = await Service.CreateAsync(TestUser.Admin, TestStudies.Input(StudyStatus.Draft, "  Sleep and blood pressure "), None);
        var found = await Store.FindAsync(created.Id, None);
        var updated = await Service.UpdateAsync(TestUser.Admin, created.Id, TestStudies.Input(StudyStatus.Recruiting, "Sleep study"), created.Version, None);
        var listed = await Store.ListAsync(None);
        await Service.DeleteAsync(TestUser.Admin, created.Id, updated.Version, None);

        Assert.Equal(created, found);
        Assert.Equal(("Sleep and blood pressure", StudyStatus.Draft, 1), (created.Title, created.Status, created.Version));
        Assert.Equal(("Sleep study", StudyStatus.Recruiting, 2), (updated.Title, updated.Status, updated.Version));
        Assert.Equal([updated], listed);
        Assert.Null(await Store.FindAsync(created.Id, None));
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_IsAConflictAndKeepsTheFirstUpdate()
    {
        var study = await Service.CreateAsync(TestUser.Admin, TestStudies.Input(), None);
        await Service.UpdateAsync(TestUser.Admin, study.Id, TestStudies.Input(title: "First edit"), study.Version, None);

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Service.UpdateAsync(TestUser.Admin, study.Id, TestStudies.Input(title: "Lost edit"), study.Version, None));

        Assert.Equal(2, conflict.CurrentVersion);
        var stored = await Store.FindAsync(study.Id, None);
        Assert.Equal(("First edit", 2), (stored!.Title, stored.Version));
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentEditsOfOneVersion_ExactlyOneWins()
    {
        var study = await Service.CreateAsync(TestUser.Admin, TestStudies.Input(), None);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            try
            {
                return await Service.UpdateAsync(TestUser.Admin, study.Id, TestStudies.Input(title: $"Edit {i}"), study.Version, None);
            }
            catch (ConcurrencyConflictException)
            {
                return null;
            }
        })));

        var winner = Assert.Single(outcomes, o => o is not null);
        Assert.Equal(winner, await Store.FindAsync(study.Id, None));
        Assert.Equal(2, winner!.Version);
    }

    [Fact]
    public async Task DeleteAsync_StaleVersion_IsAConflictAndTheStudyStays()
    {
        var study = await Service.CreateAsync(TestUser.Admin, TestStudies.Input(), None);
        await Service.UpdateAsync(TestUser.Admin, study.Id, TestStudies.Input(title: "Edited"), study.Version, None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Service.DeleteAsync(TestUser.Admin, study.Id, study.Version, None));

        Assert.NotNull(await Store.FindAsync(study.Id, None));
    }

    [Theory]
    [InlineData("shard-0", false)]
    [InlineData("shard-1", false)]
    [InlineData("shard-1", true)]
    public async Task DeleteAsync_StudyWithEnrollments_IsRefusedAndTheStudyStays(string shard, bool withdrawn)
    {
        var study = await Service.CreateAsync(TestUser.Admin, TestStudies.Input(StudyStatus.Recruiting), None);
        var patient = TestPatients.New(id: TestPatients.IdOnShard(_db.Get<IShardMap>(), shard));
        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, patient, None);
        var enrollment = await _db.Get<IEnrollmentStore>().AddAsync(AuditActor.System,
            Enrollment.Consent(study.Id, patient.Id, TestPatients.Now.AddDays(-1), TestPatients.Now), None);
        if (withdrawn)
        {
            await _db.Get<IEnrollmentStore>().WithdrawAsync(AuditActor.System, enrollment.Id, TestPatients.Now, None);
        }

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() => Service.DeleteAsync(TestUser.Admin, study.Id, study.Version, None));

        Assert.Equal(["id"], refusal.Errors.Keys);
        Assert.NotNull(await Store.FindAsync(study.Id, None));
        Assert.NotNull(await _db.Get<IEnrollmentStore>().FindAsync(enrollment.Id, None));
    }

    [Fact]
    public async Task DeleteAsync_UnknownStudy_IsNotFound() =>
        await Assert.ThrowsAsync<RecordNotFoundException>(() => Service.DeleteAsync(TestUser.Admin, Guid.CreateVersion7(), null, None));

    [Fact]
    public async Task CreateAsync_InvalidInput_IsRefusedPerFieldAndNothingStored()
    {
        var input = TestStudies.Input() with { Title = " ", PrincipalInvestigator = null, EndDate = new DateOnly(2025, 1, 1) };

        var refusal = await Assert.ThrowsAsync<ValidationFailedException>(() => Service.CreateAsync(TestUser.Admin, input, None));

        Assert.Equal(["endDate", "principalInvestigator", "title"], refusal.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(await Store.ListAsync(None));
    }

    public sealed class OnSqlite() : StudyStoreTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : StudyStoreTests(TestProvider.Postgres);
}
