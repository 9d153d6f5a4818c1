using System.Security.Cryptography;
using MedicalPortal.Core.Export;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Tests.Export;

/// <summary>The master key of research ids: required outside Development, generated once and kept in Development.</summary>
public sealed class PseudonymKeyTests
{
    private const string KeySetting = "Export:PseudonymKey";

    private static readonly string AuditKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task Start_OutsideDevelopmentWithoutAKey_RefusesNamingTheSetting()
    {
        // Act
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => ShardedDatabase.CreateAsync(
            shardCount: 1, environment: Environments.Production, settings: new Dictionary<string, string?> { ["Audit:HmacKey"] = AuditKey }));

        // Assert
        Assert.Contains(KeySetting, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all!")]
    public async Task Start_WithAKeyTooShortOrNotBase64_RefusesNamingTheSetting(string key)
    {
        // Act
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => ShardedDatabase.CreateAsync(
            shardCount: 1, environment: Environments.Production, settings: new Dictionary<string, string?> { ["Audit:HmacKey"] = AuditKey, [KeySetting] = key }));

        // Assert
        Assert.Contains(KeySetting, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InDevelopmentWithoutAKey_GeneratesOneAndTheNextStartReusesIt()
    {
        // Arrange
        byte[] first;
        string directory;
        await using (var db = await ShardedDatabase.CreateAsync(shardCount: 1))
        {
            first = db.Get<IPseudonymKey>().Key;
            directory = db.Directory;
            Assert.True(File.Exists(Path.Combine(directory, "export.key")));

            // Act: the same folder again, as after a restart.
            await using var again = await ShardedDatabase.CreateAsync(shardCount: 1, directory: directory);

            // Assert: the same key, so the same research ids as before the restart.
            Assert.Equal(first, again.Get<IPseudonymKey>().Key);
        }

        Assert.Equal(32, first.Length);
    }
}
