using System.Security.Cryptography;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Keys;
using MedicalPortal.Core.Patients;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>The key that seals the chains: configured outside Development, generated once and kept in Development.</summary>
public sealed class AuditKeyRingTests
{
    private const string KeySetting = "Audit:HmacKey";

    /// <summary>The other key a start outside Development needs, so that only the audit key is missing or bad.</summary>
    private static readonly string PseudonymKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task Start_OutsideDevelopmentWithoutAKey_RefusesNamingTheSettingBeforeWritingAnything()
    {
        var directory = NewDirectory();
        try
        {
            var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
                ShardedDatabase.CreateAsync(shardCount: 1, directory: directory, environment: Environments.Production,
                    settings: new Dictionary<string, string?> { ["Export:PseudonymKey"] = PseudonymKey }));

            Assert.Contains(KeySetting, refused.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(directory));
        }
        finally
        {
            Delete(directory);
        }
    }

    [Theory]
    [InlineData("Production", "c2hvcnQ=")]
    [InlineData("Production", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==")]
    [InlineData("Production", "not base64 at all!")]
    [InlineData("Development", "not base64 at all!")]
    public async Task Start_WithAKeyTooShortOrNotBase64_RefusesNamingTheSetting(string environment, string key)
    {
        var directory = NewDirectory();
        try
        {
            var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => ShardedDatabase.CreateAsync(
                shardCount: 1, directory: directory, environment: environment,
                settings: new Dictionary<string, string?> { [KeySetting] = key, ["Export:PseudonymKey"] = PseudonymKey }));

            Assert.Contains(KeySetting, refused.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(directory, "audit.key")), "A key was generated although one was configured.");
        }
        finally
        {
            Delete(directory);
        }
    }

    [Fact]
    public async Task Start_OutsideDevelopmentWithAValidKey_SealsWithThatKeyAndWritesNoKeyFile()
    {
        var key = RandomNumberGenerator.GetBytes(SecretKeySetting.MinimumBytes);

        await using var db = await ShardedDatabase.CreateAsync(shardCount: 1, environment: Environments.Production, settings: new Dictionary<string, string?>
        {
            [KeySetting] = Convert.ToBase64String(key),
            ["Export:PseudonymKey"] = PseudonymKey,
        });
        await db.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(), None);

        Assert.Equal(key, db.Get<AuditKeyRing>().Key);
        Assert.False(File.Exists(Path.Combine(db.Directory, "audit.key")));
        var entry = (await AuditTrail.EntriesAsync(db, "shard-0"))[^1];
        Assert.Equal(AuditSeal.Compute(key, entry), entry.Hash);
        Assert.All(await db.Get<IAuditStore>().VerifyAsync(None), v => Assert.True(v.IsIntact, v.Problem?.Description));
    }

    [Fact]
    public async Task Start_InDevelopmentWithoutAKey_GeneratesOneNextToTheDatabasesAndTheNextStartReusesIt()
    {
        await using var first = await ShardedDatabase.CreateAsync(shardCount: 2);
        await first.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(), None);
        var file = Path.Combine(first.Directory, "audit.key");
        Assert.True(File.Exists(file), "No audit.key next to the databases.");
        var stored = await File.ReadAllTextAsync(file);

        await using var next = await ShardedDatabase.CreateAsync(shardCount: 2, directory: first.Directory);
        await next.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(), None);

        Assert.Equal(stored, await File.ReadAllTextAsync(file));
        Assert.Equal(first.Get<AuditKeyRing>().Key, next.Get<AuditKeyRing>().Key);
        Assert.Equal(Convert.FromBase64String(stored.Trim()), next.Get<AuditKeyRing>().Key);
        Assert.All(await next.Get<IAuditStore>().VerifyAsync(None), v => Assert.True(v.IsIntact, $"{v.Database}: {v.Problem?.Description}"));
        Assert.All(await first.Get<IAuditStore>().VerifyAsync(None), v => Assert.True(v.IsIntact, $"{v.Database}: {v.Problem?.Description}"));
    }

    [Fact]
    public async Task Start_InDevelopmentWithACorruptKeyFile_RefusesNamingTheFile()
    {
        var directory = NewDirectory();
        var file = Path.Combine(directory, "audit.key");
        await File.WriteAllTextAsync(file, "this is not a key");
        try
        {
            var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
                ShardedDatabase.CreateAsync(shardCount: 1, directory: directory));

            Assert.Contains(file, refused.Message, StringComparison.Ordinal);
            Assert.Equal("this is not a key", await File.ReadAllTextAsync(file));
        }
        finally
        {
            Delete(directory);
        }
    }

    [Fact]
    public async Task Key_AfterWrites_IsInNoDatabaseFile()
    {
        await using var db = await ShardedDatabase.CreateAsync(shardCount: 2);
        foreach (var _ in Enumerable.Range(0, 5))
        {
            await db.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(), None);
        }

        var key = db.Get<AuditKeyRing>().Key;
        var base64 = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key));
        var files = Directory.GetFiles(db.Directory).Where(f => !f.EndsWith("audit.key", StringComparison.Ordinal)).ToList();

        Assert.Contains(files, f => f.EndsWith("catalog.db", StringComparison.Ordinal));
        foreach (var path in files)
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var bytes = new byte[stream.Length];
            await stream.ReadExactlyAsync(bytes);
            Assert.True(bytes.AsSpan().IndexOf(key) < 0, $"{Path.GetFileName(path)} holds the audit key.");
            Assert.True(bytes.AsSpan().IndexOf(base64) < 0, $"{Path.GetFileName(path)} holds the audit key in base64.");
        }
    }

    private static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "medicalportal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Deletes a folder no host could open: a refused start leaves no connection to clear first.</summary>
    private static void Delete(string directory) => Directory.Delete(directory, recursive: true);
}
