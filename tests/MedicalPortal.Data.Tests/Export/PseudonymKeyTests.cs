using System.Security.Cryptography;
using MedicalPortal.Core.Export;
using MedicalPortal.Data.Tests.Infrastructure;
using MedicalPortal.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Tests.Export;

/// <summary>The master key of research ids: required outside Development, generated once and kept in Development.</summary>
public abstract class PseudonymKeyTests(TestProvider provider)
{
    [Theory]
    [InlineData(null)]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all!")]
    public async Task Start_OutsideDevelopmentWithAMissingShortOrNonBase64Key_RefusesNamingTheSetting(string? key)
    {
        // Arrange: the audit settings and the key ring's certificate are fine, so that only this key can be refused.
        var settings = new Dictionary<string, string?>
        {
            ["Audit:HmacKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Audit:AnchorDirectory"] = "audit-anchors",
            ["DataProtection:Certificate"] = TestCertificates.Shared,
            ["Export:PseudonymKey"] = key,
        };

        // Act
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ShardedDatabase.CreateAsync(provider, shardCount: 1, environment: Environments.Production, settings: settings));

        // Assert
        Assert.Contains("Export:PseudonymKey", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InDevelopmentWithoutAKey_GeneratesOneAndTheNextStartReusesIt()
    {
        // Arrange
        byte[] first;
        await using (var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1))
        {
            first = db.Get<IPseudonymKey>().Key;
            Assert.True(File.Exists(Path.Combine(db.DataFolder, "export.key")));

            // Act: the same folder and databases again, as after a restart.
            await using var again = await ShardedDatabase.StartAsync(db.Databases);

            // Assert: the same key, so the same research ids as before the restart.
            Assert.Equal(first, again.Get<IPseudonymKey>().Key);
        }

        Assert.Equal(32, first.Length);
    }

    public sealed class OnSqlite() : PseudonymKeyTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : PseudonymKeyTests(TestProvider.Postgres);
}
