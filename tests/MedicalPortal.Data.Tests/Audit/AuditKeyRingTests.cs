using System.Security.Cryptography;
using System.Text;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Keys;
using MedicalPortal.Core.Patients;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Tests.Infrastructure;
using MedicalPortal.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>The key that seals the chains: configured outside Development, generated once and kept in Development.</summary>
public abstract class AuditKeyRingTests(TestProvider provider)
{
    private const string KeySetting = "Audit:HmacKey";

    /// <summary>The other key a start outside Development needs, so that only the audit key is missing or bad.</summary>
    private static readonly string PseudonymKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key ring's certificate, which a start outside Development needs too.</summary>
    private static string Certificate => TestCertificates.Shared;

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task Start_OutsideDevelopmentWithoutAKey_RefusesNamingTheSettingBeforeWritingAnything()
    {
        await using var databases = await TestDatabases.CreateAsync(provider, shardCount: 1);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ShardedDatabase.StartAsync(databases, environment: Environments.Production,
                settings: new Dictionary<string, string?> { ["Export:PseudonymKey"] = PseudonymKey, ["DataProtection:Certificate"] = Certificate }));

        Assert.Contains(KeySetting, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await databases.WrittenAsync());
    }

    [Theory]
    [InlineData("Production", "c2hvcnQ=")]
    [InlineData("Production", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==")]
    [InlineData("Production", "not base64 at all!")]
    [InlineData("Development", "not base64 at all!")]
    public async Task Start_WithAKeyTooShortOrNotBase64_RefusesNamingTheSetting(string environment, string key)
    {
        await using var databases = await TestDatabases.CreateAsync(provider, shardCount: 1);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => ShardedDatabase.StartAsync(
            databases, environment: environment,
            settings: new Dictionary<string, string?> { [KeySetting] = key, ["Export:PseudonymKey"] = PseudonymKey, ["DataProtection:Certificate"] = Certificate }));

        Assert.Contains(KeySetting, refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(databases.DataFolder, "audit.key")), "A key was generated although one was configured.");
    }

    [Fact]
    public async Task Start_OutsideDevelopmentWithAValidKey_SealsWithThatKeyAndWritesNoKeyFile()
    {
        var key = RandomNumberGenerator.GetBytes(SecretKeySetting.MinimumBytes);

        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1, environment: Environments.Production, settings: new Dictionary<string, string?>
        {
            [KeySetting] = Convert.ToBase64String(key),
            ["Export:PseudonymKey"] = PseudonymKey,
            ["Audit:AnchorDirectory"] = "audit-anchors",
            ["DataProtection:Certificate"] = Certificate,
        });
        await db.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(), None);

        Assert.Equal(key, db.Get<AuditKeyRing>().Key);
        Assert.False(File.Exists(Path.Combine(db.DataFolder, "audit.key")));
        var entry = (await AuditTrail.EntriesAsync(db, "shard-0"))[^1];
        Assert.Equal(AuditSeal.Compute(key, entry), entry.Hash);
        Assert.All(await db.Get<IAuditStore>().VerifyAsync(None), v => Assert.True(v.IsIntact, v.Problem?.Description));
    }

    [Fact]
    public async Task Start_InDevelopmentWithoutAKey_GeneratesOneNextToTheDatabasesAndTheNextStartReusesIt()
    {
        await using var first = await ShardedDatabase.CreateAsync(provider, shardCount: 2);
        await first.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(), None);
        var file = Path.Combine(first.DataFolder, "audit.key");
        Assert.True(File.Exists(file), "No audit.key in the data folder.");
        var stored = await File.ReadAllTextAsync(file);

        await using var next = await ShardedDatabase.StartAsync(first.Databases);
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
        await using var databases = await TestDatabases.CreateAsync(provider, shardCount: 1);
        var file = Path.Combine(databases.DataFolder, "audit.key");
        Directory.CreateDirectory(databases.DataFolder);
        await File.WriteAllTextAsync(file, "this is not a key");

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => ShardedDatabase.StartAsync(databases));

        Assert.Contains(file, refused.Message, StringComparison.Ordinal);
        Assert.Equal("this is not a key", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Key_AfterWrites_IsInNoDatabase()
    {
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 2);
        foreach (var _ in Enumerable.Range(0, 5))
        {
            await db.Get<IPatientStore>().AddAsync(AuditActor.System, TestPatients.New(), None);
        }

        var key = db.Get<AuditKeyRing>().Key;
        var forms = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["as bytes"] = key,
            ["in base64"] = Encoding.ASCII.GetBytes(Convert.ToBase64String(key)),
            ["in hex"] = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(key)),
        };
        var contents = await DatabaseContentsAsync(db);

        Assert.Contains(contents, c => c.Name.StartsWith("catalog", StringComparison.Ordinal));
        Assert.Contains(contents, c => c.Name.StartsWith("shard-1", StringComparison.Ordinal));
        foreach (var (name, bytes) in contents)
        {
            foreach (var (form, pattern) in forms)
            {
                Assert.True(bytes.AsSpan().IndexOf(pattern) < 0, $"{name} holds the audit key {form}.");
            }
        }
    }

    /// <summary>
    /// What anyone who can read the databases sees: each SQLite file whole (pages, WAL, free space); on PostgreSQL, each
    /// table's rows as text (bytea in hex).
    /// </summary>
    private static async Task<List<(string Name, byte[] Bytes)>> DatabaseContentsAsync(ShardedDatabase db)
    {
        var contents = new List<(string Name, byte[] Bytes)>();
        if (db.Provider == TestProvider.Sqlite)
        {
            foreach (var path in Directory.GetFiles(db.Directory).Where(f => !f.EndsWith(".key", StringComparison.Ordinal)))
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var bytes = new byte[stream.Length];
                await stream.ReadExactlyAsync(bytes);
                contents.Add((Path.GetFileName(path), bytes));
            }

            return contents;
        }

        foreach (var database in AuditTrail.Databases(db))
        {
            var tables = await AuditTrail.ColumnAsync(db, database,
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
            foreach (var table in tables.Cast<string>())
            {
                var rows = await AuditTrail.ScalarAsync(db, database, $"SELECT string_agg(t::text, E'\\n') FROM \"{table}\" AS t");
                contents.Add(($"{database} {table}", Encoding.UTF8.GetBytes(rows as string ?? "")));
            }
        }

        return contents;
    }

    public sealed class OnSqlite() : AuditKeyRingTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : AuditKeyRingTests(TestProvider.Postgres);
}
