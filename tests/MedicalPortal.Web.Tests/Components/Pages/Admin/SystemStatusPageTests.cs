using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Components.Pages.Admin;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Pages.Admin;

/// <summary>The System page: patients per shard and the cache, for those who administer the system.</summary>
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
}
