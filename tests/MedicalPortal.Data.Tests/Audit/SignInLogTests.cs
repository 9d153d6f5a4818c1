using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>Sign-in attempts in the catalog's chain: who tried, which account, how it ended, through which door.</summary>
public abstract class SignInLogTests(TestProvider provider) : IAsyncLifetime
{
    private ShardedDatabase _db = default!;

    private static CancellationToken None => CancellationToken.None;

    private ISignInLog SignIns => _db.Get<ISignInLog>();

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 1);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task RecordAsync_Succeeded_NamesTheAccountAsActorAndRecordInTheCatalog()
    {
        var mark = await AuditTrail.MarkAsync(_db);

        await SignIns.RecordAsync(new SignInAttempt("doctor@clinic.test", "doctor-id", SignInOutcome.Succeeded, SignInChannels.Api), None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog));
        Assert.Equal(
            (nameof(AuditAction.SignIn), nameof(Resource.Account), "doctor-id", "doctor@clinic.test", "doctor-id"),
            (entry.Action, entry.Resource, entry.ResourceId, entry.ActorName, entry.ActorId));
        Assert.Equal([new AuditChange("outcome", null, "succeeded"), new AuditChange("channel", null, "api")], AuditTrail.Changes(entry));
    }

    [Theory]
    [InlineData(SignInOutcome.Failed, "failed")]
    [InlineData(SignInOutcome.LockedOut, "locked-out")]
    [InlineData(SignInOutcome.NotAllowed, "not-allowed")]
    [InlineData(SignInOutcome.TwoFactorRequired, "two-factor-required")]
    public async Task RecordAsync_Refused_NamesTheGivenNameButNoActorAccount(SignInOutcome outcome, string recorded)
    {
        var mark = await AuditTrail.MarkAsync(_db);

        await SignIns.RecordAsync(new SignInAttempt(" nurse@clinic.test ", "nurse-id", outcome, SignInChannels.Api), None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog));
        Assert.Equal(
            (nameof(AuditAction.SignInFailed), "nurse-id", "nurse@clinic.test", (string?)null),
            (entry.Action, entry.ResourceId, entry.ActorName, entry.ActorId));
        Assert.Equal(new AuditChange("outcome", null, recorded), AuditTrail.Changes(entry)[0]);
    }

    [Fact]
    public async Task RecordAsync_UnknownNameLongerThanTheColumn_IsCutAndTheChainStaysIntact()
    {
        var mark = await AuditTrail.MarkAsync(_db);
        var name = new string('x', 1000) + "@clinic.test";

        await SignIns.RecordAsync(new SignInAttempt(name, null, SignInOutcome.Failed, SignInChannels.Api), None);

        var entry = Assert.Single(await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog));
        Assert.Equal((name[..AuditModel.ActorNameMaxLength], (string?)null), (entry.ActorName, entry.ResourceId));
        Assert.All(await _db.Get<IAuditStore>().VerifyAsync(None), v => Assert.True(v.IsIntact, v.Problem?.Description));
    }

    [Fact]
    public async Task RecordAsync_ReadAuditingOff_IsStillRecorded()
    {
        await using var db = await ShardedDatabase.CreateAsync(
            provider, shardCount: 1, configure: services => services.Configure<AuditOptions>(o => o.RecordReads = false));
        var mark = await AuditTrail.MarkAsync(db);

        await db.Get<ISignInLog>().RecordAsync(new SignInAttempt("admin@clinic.test", null, SignInOutcome.Failed, SignInChannels.Api), None);

        Assert.Single(await mark.NewEntriesOnlyInAsync(AuditTrail.Catalog));
    }

    public sealed class OnSqlite() : SignInLogTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : SignInLogTests(TestProvider.Postgres);
}
