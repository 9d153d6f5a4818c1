using Bunit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Web.Components.Pages.Admin;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Components.Pages.Admin;

/// <summary>The audit trail of every database, while one of them does not answer.</summary>
public sealed class AuditTrailTests : ComponentTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Render_AShardDown_ShowsWhichShardCannotBeReached()
    {
        // Arrange: the trail without filters reads the catalog's chain and every shard's.
        await this.AddTestServicesAsync(RoleNames.Admin);
        this.TakeDownShard("shard-1");

        // Act
        var cut = Render<AuditTrail>();

        // Assert
        cut.WaitForAssertion(
            () => Assert.Equal(ShardUnavailableException.For("shard-1").Message, cut.Find("[data-testid='audit-error']").TextContent.Trim()),
            Patience);
    }
}
