using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Components.Pages.Admin;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MedicalPortal.Web.Tests.Components.Pages.Admin;

/// <summary>The Audit integrity screen: each chain's result, its newest checkpoint outside the databases, and a rolled-back chain in words.</summary>
public sealed class AuditIntegrityTests : ComponentTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Check_AfterACheckpoint_ShowsEachChainIntactWithItsNewestCheckpointAndTheSchedule()
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Admin);
        var written = await CheckpointAsync();

        // Act
        var cut = Render<AuditIntegrity>();
        cut.Find("button").Click();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-database]").Count), Patience);
        Assert.Contains("on the schedule 0 * * * * (cron, UTC)", cut.Markup, StringComparison.Ordinal);
        var catalog = cut.Find("[data-database='catalog']");
        Assert.Contains($"Entry {written.Single(a => a.Database == "catalog").Sequence:N0},", catalog.QuerySelector("[data-testid='newest-checkpoint']")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Intact", catalog.TextContent, StringComparison.Ordinal);

        // The shards have no entries yet, hence no checkpoint.
        Assert.Equal("None yet", cut.Find("[data-database='shard-0'] [data-testid='newest-checkpoint']").TextContent.Trim());
    }

    [Fact]
    public async Task Check_OlderHeadPutBack_NamesTheChainRolledBack()
    {
        // Arrange: the catalog's head kept, one more entry and a checkpoint, then the entry deleted and the head put back.
        await this.AddTestServicesAsync(RoleNames.Admin);
        var file = Path.Combine(Services.GetRequiredService<IHostEnvironment>().ContentRootPath, "catalog.db");
        var kept = await ScalarAsync(file, "SELECT \"Sequence\" FROM \"AuditChainHead\"");
        var (hash, seal) = (await BytesAsync(file, "Hash"), await BytesAsync(file, "Seal"));
        await Services.GetRequiredService<IAccessLog>().RecordExportAsync(AuditActor.System, Guid.CreateVersion7(), new ExportCounts(0, 0, 0, 0), default);
        await CheckpointAsync();
        await ScalarAsync(file, $"DELETE FROM \"AuditLog\" WHERE \"Sequence\" > {kept}; UPDATE \"AuditChainHead\" SET \"Sequence\" = {kept}, \"Hash\" = $hash, \"Seal\" = $seal",
            ("$hash", hash), ("$seal", seal));

        // Act
        var cut = Render<AuditIntegrity>();
        cut.Find("button").Click();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-database]").Count), Patience);
        Assert.Contains($"Sequence {kept + 1}, rolled back: ", cut.Find("[data-database='catalog'] .mud-alert").TextContent, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<AuditAnchor>> CheckpointAsync() =>
        await Services.GetRequiredService<IAuditAnchors>().WriteVerifiedAsync(
            await Services.GetRequiredService<IAuditStore>().VerifyAsync(default), default);

    private static async Task<long> ScalarAsync(string file, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync() is long scalar ? scalar : 0;
    }

    private static async Task<byte[]> BytesAsync(string file, string column)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"{column}\" FROM \"AuditChainHead\"";
        return (byte[])(await command.ExecuteScalarAsync())!;
    }
}
