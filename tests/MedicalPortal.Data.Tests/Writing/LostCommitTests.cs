using System.Data.Common;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Tests.Infrastructure;
using MedicalPortal.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MedicalPortal.Data.Tests.Writing;

/// <summary>
/// A connection that drops at COMMIT, on PostgreSQL (whose execution strategy retries it; SQLite does not retry, so this
/// is a server-database test). Either the server committed and the answer was lost, which the strategy cannot tell
/// alone: the audit chain, written in the same transaction, tells it, so the change is reported saved, stored once and
/// audited once. Or the commit never reached the server: then the whole write is tried again, and succeeds.
/// </summary>
public sealed class LostCommitTests : IAsyncLifetime
{
    private readonly CommitReplyLost _lostReply = new();
    private ShardedDatabase _db = default!;

    public async Task InitializeAsync() =>
        _db = await ShardedDatabase.CreateAsync(
            TestProvider.Postgres,
            configure: services => services.AddSingleton<ISaveChangesInterceptor>(_lostReply));

    public Task DisposeAsync() => _db.DisposeAsync().AsTask();

    [Fact]
    public async Task VisitAdd_CommitReplyLost_StoredOnceAndReportedSaved()
    {
        var patient = TestPatients.New();
        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, patient, CancellationToken.None);
        var visit = TestVisits.For(patient, reason: "Lost reply");
        var mark = await AuditTrail.MarkAsync(_db);

        _lostReply.Arm();
        var saved = await _db.Get<IVisitStore>().AddAsync(AuditActor.System, visit, CancellationToken.None);

        Assert.True(_lostReply.Fired);
        Assert.Equal(visit.Id, saved.Id);
        var stored = await _db.Get<IVisitStore>().ListForPatientAsync(patient.Id, null, 10, CancellationToken.None);
        Assert.Equal([visit.Id], stored!.Items.Select(v => v.Id));
        var entries = (await mark.NewEntriesAsync()).Values.SelectMany(e => e);
        Assert.Single(entries, e => e.Action == nameof(AuditAction.Create) && e.Resource == "Visit");
        Assert.All(await _db.Get<IAuditStore>().VerifyAsync(CancellationToken.None), chain => Assert.True(chain.IsIntact));
    }

    [Fact]
    public async Task VisitAdd_CommitNeverSent_TriedAgainAndStoredOnce()
    {
        var patient = TestPatients.New();
        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, patient, CancellationToken.None);
        var visit = TestVisits.For(patient, reason: "Retried");
        var mark = await AuditTrail.MarkAsync(_db);

        _lostReply.Arm(beforeCommit: true);
        var saved = await _db.Get<IVisitStore>().AddAsync(AuditActor.System, visit, CancellationToken.None);

        Assert.True(_lostReply.Fired);
        Assert.Equal(visit.Id, saved.Id);
        var stored = await _db.Get<IVisitStore>().ListForPatientAsync(patient.Id, null, 10, CancellationToken.None);
        Assert.Equal([visit.Id], stored!.Items.Select(v => v.Id));
        var entries = (await mark.NewEntriesAsync()).Values.SelectMany(e => e);
        Assert.Single(entries, e => e.Action == nameof(AuditAction.Create) && e.Resource == "Visit");
    }

    [Fact]
    public async Task AccountCreate_CommitNeverSent_TriedAgainAndCreatedOnce()
    {
        var input = TestAccounts.Staff();

        _lostReply.Arm(beforeCommit: true);
        var account = await _db.Get<IAccountDirectory>().CreateStaffAsync(AuditActor.System, input, CancellationToken.None);

        Assert.True(_lostReply.Fired);
        Assert.Single(await _db.Get<IAccountDirectory>().ListStaffAsync(CancellationToken.None), a => a.Id == account.Id);
    }

    [Fact]
    public async Task PatientUpdate_CommitReplyLost_AppliedOnceNotAConflict()
    {
        var patient = TestPatients.New(given: "Before");
        await _db.Get<IPatientStore>().AddAsync(AuditActor.System, patient, CancellationToken.None);

        _lostReply.Arm();
        var updated = await _db.Get<IPatientStore>().UpdateAsync(
            AuditActor.System, patient.Id, 1, TestPatients.Input(given: "After", mrn: patient.Mrn), TestPatients.Now, CancellationToken.None);

        Assert.True(_lostReply.Fired);
        Assert.Equal(2, updated.Version);
        await using var shard = _db.OpenShard(_db.Get<IShardMap>().ShardForPatient(patient.Id));
        var stored = await shard.Patients.AsNoTracking().SingleAsync(p => p.Id == patient.Id);
        Assert.Equal(("After", 2), (stored.GivenName, stored.Version));
    }

    [Fact]
    public async Task AccountCreate_CommitReplyLost_CreatedOnceNotRefusedAsDuplicate()
    {
        var input = TestAccounts.Staff();

        _lostReply.Arm();
        var account = await _db.Get<IAccountDirectory>().CreateStaffAsync(AuditActor.System, input, CancellationToken.None);

        Assert.True(_lostReply.Fired);
        Assert.Equal(input.Email, account.Email);
        var staff = await _db.Get<IAccountDirectory>().ListStaffAsync(CancellationToken.None);
        Assert.Single(staff, a => a.Email == input.Email);
    }

    [Fact]
    public async Task IdentitySave_CommitReplyLost_SavedOnceWithOneAuditEntry()
    {
        var account = await _db.Get<IAccountDirectory>().CreateStaffAsync(AuditActor.System, TestAccounts.Staff(), CancellationToken.None);
        var mark = await AuditTrail.MarkAsync(_db);

        await using (var scope = _db.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<IdentityActor>().Actor = AuditActor.System;
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByIdAsync(account.Id))!;
            user.DisplayName = "Renamed through Identity";

            _lostReply.Arm();
            var result = await users.UpdateAsync(user);

            Assert.True(result.Succeeded);
        }

        Assert.True(_lostReply.Fired);
        Assert.Equal("Renamed through Identity", (await _db.Get<IAccountDirectory>().FindAsync(account.Id, CancellationToken.None))!.DisplayName);
        var entries = await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog);
        Assert.Single(entries, e => e.Action == nameof(AuditAction.Update) && e.Resource == "Account");
    }

    /// <summary>
    /// Once armed, fails the next commit as a dropped connection does (a transient <see cref="NpgsqlException"/>, which
    /// the strategy retries after asking whether the commit happened): after the server committed, or before COMMIT
    /// was sent at all.
    /// </summary>
    private sealed class CommitReplyLost : DbTransactionInterceptor, ISaveChangesInterceptor
    {
        private const int Off = 0;
        private const int AfterCommit = 1;
        private const int BeforeCommit = 2;
        private int _armed;

        public bool Fired { get; private set; }

        public void Arm(bool beforeCommit = false) => Interlocked.Exchange(ref _armed, beforeCommit ? BeforeCommit : AfterCommit);

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            Drop(BeforeCommit);
            return ValueTask.FromResult(result);
        }

        public override Task TransactionCommittedAsync(
            DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Drop(AfterCommit);
            return Task.CompletedTask;
        }

        private void Drop(int when)
        {
            if (Interlocked.CompareExchange(ref _armed, Off, when) == when)
            {
                Fired = true;
                throw new NpgsqlException("The connection dropped at COMMIT.", new IOException("Connection reset by peer"));
            }
        }
    }
}
