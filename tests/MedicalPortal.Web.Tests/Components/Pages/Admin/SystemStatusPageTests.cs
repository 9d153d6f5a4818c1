using Bunit;
using MedicalPortal.Core.Administration;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Components.Pages.Admin;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Pages.Admin;

/// <summary>The System page: patients per shard, the bucket map, a running bucket move and the cache, for those who administer the system.</summary>
public sealed class SystemStatusPageTests : ComponentTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Render_Admin_PatientsPerShardAndTheCacheWithItsHitRatio()
    {
        // Arrange: three patients, each read twice (a miss, then a hit).
        await this.AddTestServicesAsync(RoleNames.Admin);
        var store = Services.GetRequiredService<IPatientStore>();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            var patient = Patient.Register(Guid.CreateVersion7(), Mrn.Generate(), new PatientInput
            {
                GivenName = "Testy", FamilyName = "Systempage", BirthDate = new DateOnly(1970, 1, 1), Sex = Sex.Female,
            }, now);
            await store.AddAsync(AuditActor.System, patient, default);
            await store.FindAsync(patient.Id, default);
            await store.FindAsync(patient.Id, default);
        }

        // Act
        var cut = Render<SystemStatusPage>();

        // Assert
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-shard]")), Patience);
        var shards = cut.FindAll("[data-shard]");
        Assert.Equal(TestDatabaseSettings.ShardCount, shards.Count);
        Assert.Equal("3", cut.Find("[data-testid='system-shards'] tfoot th:nth-child(2)").TextContent.Trim());
        Assert.Contains("Working", cut.Find("[data-testid='cache-state']").TextContent, StringComparison.Ordinal);
        Assert.Matches(@"^\d+(\.\d)?\s?%$", cut.Find("[data-testid='cache-hit-ratio']").TextContent.Trim());
    }

    [Fact]
    public async Task Render_Doctor_IsRefusedWithAMessage()
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Doctor);

        // Act
        var cut = Render<SystemStatusPage>();

        // Assert
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".mud-alert")), Patience);
        Assert.Empty(cut.FindAll("[data-shard]"));
    }

    [Fact]
    public async Task Render_Admin_BucketMapHasOneRowPerRangeWithItsShardAndBucketCount()
    {
        // Arrange: a fresh installation splits the 4,096 buckets evenly over its two shards.
        await this.AddTestServicesAsync(RoleNames.Admin);

        // Act
        var cut = Render<SystemStatusPage>();

        // Assert
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-range]")), Patience);
        var rows = cut.FindAll("[data-testid='system-bucket-map'] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal("0-2047", rows[0].GetAttribute("data-range"));
        Assert.Equal(["0–2047", "shard-0", "2,048"], rows[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Equal("2048-4095", rows[1].GetAttribute("data-range"));
        Assert.Equal(["2048–4095", "shard-1", "2,048"], rows[1].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Contains("4,096 buckets", cut.Find("[data-testid='system-bucket-map']").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid='bucket-move']"));
    }

    [Fact]
    public async Task Render_Admin_MoveInCopyingStage_NamesBucketsSourceAndTargetWithItsProgress()
    {
        // Arrange: a move of buckets 0–511 from shard-0 to shard-1, 128 of them copied in this pass.
        var move = new MoveState(0, 511, "shard-0", "shard-1", "Copying", 128, "admin@clinic.test",
            new DateTimeOffset(2026, 3, 2, 9, 15, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 9, 20, 0, TimeSpan.Zero));
        await this.AddTestServicesAsync(services => MovingStatusSource.Install(services, move), RoleNames.Admin);

        // Act
        var cut = Render<SystemStatusPage>();

        // Assert
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid='bucket-move']")), Patience);
        var alert = cut.Find("[data-testid='bucket-move']");
        var text = alert.TextContent;
        Assert.Contains("Moving buckets 0–511 from shard-0 to shard-1", text, StringComparison.Ordinal);
        Assert.Contains("copying and catching up", text, StringComparison.Ordinal);
        Assert.Contains("128 of 512 buckets", text, StringComparison.Ordinal);
        Assert.Contains("admin@clinic.test", text, StringComparison.Ordinal);
        Assert.Contains("2026-03-02 09:15", text, StringComparison.Ordinal);
        Assert.Contains("2026-03-02 09:20", text, StringComparison.Ordinal);
        var progress = alert.QuerySelector("[role='progressbar']");
        Assert.NotNull(progress);
        Assert.Equal("25", progress.GetAttribute("aria-valuenow"));
        Assert.Contains("128 of 512", progress.GetAttribute("aria-label") ?? "", StringComparison.Ordinal);
    }

    /// <summary>The real status source, whose answer carries <paramref name="move"/> as the running bucket move.</summary>
    private sealed class MovingStatusSource(ISystemStatusSource inner, MoveState move) : ISystemStatusSource
    {
        public static void Install(IServiceCollection services, MoveState move)
        {
            var real = services.Single(d => d.ServiceType == typeof(ISystemStatusSource));
            services.Remove(real);
            services.AddSingleton<ISystemStatusSource>(provider => new MovingStatusSource(
                (ISystemStatusSource)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!), move));
        }

        public async Task<SystemStatus> ReadAsync(CancellationToken cancellationToken) =>
            await inner.ReadAsync(cancellationToken) with { Move = move };
    }
}
