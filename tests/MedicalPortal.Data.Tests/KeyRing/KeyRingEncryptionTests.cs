using System.Security.Cryptography;
using System.Xml.Linq;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.KeyRing;
using MedicalPortal.Data.Tests.Infrastructure;
using MedicalPortal.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MedicalPortal.Data.Tests.KeyRing;

/// <summary>
/// The Data Protection key ring in the catalog is encrypted to <c>DataProtection:Certificate</c>: what one node protects
/// (cookies, bearer tokens, registered shards' connection strings) another node with the same certificate reads, and
/// nothing without that certificate does, a copy of the catalog included.
/// </summary>
public abstract class KeyRingEncryptionTests(TestProvider provider)
{
    /// <summary>What the payloads of these tests are protected for: any purpose will do, as long as both sides use it.</summary>
    private const string Purpose = "MedicalPortal.Tests.KeyRing";

    private const string Secret = "a session of Dr. Test";

    private static readonly XNamespace DataProtectionXml = "http://schemas.asp.net/2015/03/dataProtection";

    private static readonly XNamespace XmlEncryption = "http://www.w3.org/2001/04/xmlenc#";

    private static readonly XNamespace XmlSignature = "http://www.w3.org/2000/09/xmldsig#";

    [Fact]
    public async Task Protect_WithACertificate_StoresEveryKeyEncryptedToItAndNoKeyInTheClear()
    {
        // Arrange
        var pem = TestCertificates.NewPem();
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1, environment: Environments.Production, settings: Production(pem));

        // Act: the first payload makes the ring's first key.
        Protector(db).Protect(Secret);

        // Assert
        var keys = await StoredKeysAsync(db);
        Assert.NotEmpty(keys);
        using var certificate = TestCertificates.CertificateOf(pem);
        Assert.All(keys, key =>
        {
            var descriptor = key.Element("descriptor")!.Element("descriptor")!;
            Assert.Empty(descriptor.Descendants("masterKey"));
            Assert.Empty(descriptor.Descendants("value"));
            var encrypted = Assert.Single(descriptor.Elements(DataProtectionXml + "encryptedSecret"));
            Assert.Single(encrypted.Elements(XmlEncryption + "EncryptedData"));
            Assert.Equal(Convert.ToBase64String(certificate.RawData), EncryptedTo(key));
        });
    }

    [Fact]
    public async Task Unprotect_OnASecondNodeWithTheSameCertificate_ReadsWhatTheFirstProtected()
    {
        // Arrange: two nodes of one installation, each with the certificate loaded from its own configuration.
        var settings = Production(TestCertificates.NewPem());
        await using var first = await ShardedDatabase.CreateAsync(provider, shardCount: 1, environment: Environments.Production, settings: settings);
        var payload = Protector(first).Protect(Secret);

        // Act
        await using var second = await ShardedDatabase.StartAsync(first.Databases, environment: Environments.Production, settings: settings);
        var read = Protector(second).Unprotect(payload);

        // Assert
        Assert.Equal(Secret, read);
    }

    [Fact]
    public async Task Unprotect_OnANodeWithAnotherCertificate_Fails()
    {
        // Arrange
        await using var first = await ShardedDatabase.CreateAsync(provider, shardCount: 1, environment: Environments.Production, settings: Production(TestCertificates.NewPem()));
        var payload = Protector(first).Protect(Secret);

        // Act
        await using var other = await ShardedDatabase.StartAsync(first.Databases, environment: Environments.Production, settings: Production(TestCertificates.NewPem()));

        // Assert
        Assert.ThrowsAny<CryptographicException>(() => Protector(other).Unprotect(payload));
    }

    [Fact]
    public async Task Unprotect_WithTheCatalogButNoCertificate_Fails()
    {
        // Arrange
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1, environment: Environments.Production, settings: Production(TestCertificates.NewPem()));
        var payload = Protector(db).Protect(Secret);

        // Act
        await using var catalogOnly = CatalogOnly(db);

        // Assert
        Assert.ThrowsAny<CryptographicException>(() =>
            catalogOnly.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(payload));
    }

    [Fact]
    public async Task Unprotect_AfterARotationWithTheOldCertificateKeptAsPrevious_ReadsOldPayloadsAndEncryptsNewKeysToTheNewOne()
    {
        // Arrange: a payload under a key encrypted to the old certificate.
        var (old, replacement) = (TestCertificates.NewPem(), TestCertificates.NewPem());
        await using var before = await ShardedDatabase.CreateAsync(provider, shardCount: 1, environment: Environments.Production, settings: Production(old));
        var payload = Protector(before).Protect(Secret);
        var rotated = Production(replacement);
        rotated["DataProtection:PreviousCertificates:0:Certificate"] = old;

        // Act
        await using var after = await ShardedDatabase.StartAsync(before.Databases, environment: Environments.Production, settings: rotated);
        var read = Protector(after).Unprotect(payload);
        var newKey = after.Get<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));

        // Assert
        Assert.Equal(Secret, read);
        using var certificate = TestCertificates.CertificateOf(replacement);
        var stored = (await StoredKeysAsync(after)).Single(key => (Guid)key.Attribute("id")! == newKey.KeyId);
        Assert.Equal(Convert.ToBase64String(certificate.RawData), EncryptedTo(stored));
    }

    [Fact]
    public async Task Start_WhenTheCurrentKeyIsStoredInTheClear_ProtectsWithANewEncryptedKeyAndStillReadsTheOldPayloads()
    {
        // Arrange: a key written in the clear, as every node wrote them before the certificate was configured.
        var settings = Production(TestCertificates.NewPem());
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1, environment: Environments.Production, settings: settings);
        await using var before = CatalogOnly(db);
        var old = before.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect(Secret);
        var plainKey = Assert.Single(await StoredKeysAsync(db));
        Assert.Single(plainKey.Descendants("masterKey"));

        // Act: the node's next start.
        await using var restarted = await ShardedDatabase.StartAsync(db.Databases, environment: Environments.Production, settings: settings);
        var fresh = Protector(restarted).Protect(Secret);

        // Assert: the old payload still reads; the new one is under the new key, which the catalog alone cannot read.
        Assert.Equal(Secret, Protector(restarted).Unprotect(old));
        var keys = await StoredKeysAsync(db);
        Assert.Equal(2, keys.Count);
        Assert.Single(keys, key => key.Descendants(DataProtectionXml + "encryptedSecret").Any());
        await using var after = CatalogOnly(db);
        Assert.ThrowsAny<CryptographicException>(() => after.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(fresh));
    }

    [Fact]
    public async Task Protect_InDevelopmentWithoutACertificate_GeneratesOneIntoTheDataFolderThatTheNextStartReuses()
    {
        // Arrange
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1);
        var payload = Protector(db).Protect(Secret);
        var generated = Path.Combine(db.DataFolder, KeyRingCertificates.DevelopmentFileName);
        Assert.True(File.Exists(generated));

        // Act: the same folder and databases again, as after a restart.
        await using var again = await ShardedDatabase.StartAsync(db.Databases);

        // Assert
        Assert.Equal(Secret, Protector(again).Unprotect(payload));
        using var certificate = TestCertificates.CertificateOf(await File.ReadAllTextAsync(generated));
        Assert.All(await StoredKeysAsync(db), key => Assert.Equal(Convert.ToBase64String(certificate.RawData), EncryptedTo(key)));
    }

    /// <summary>Everything a start outside Development needs, with <paramref name="certificatePem"/> as the key ring's certificate.</summary>
    private static Dictionary<string, string?> Production(string certificatePem) => new()
    {
        ["Audit:HmacKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["Export:PseudonymKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["Audit:AnchorDirectory"] = "audit-anchors",
        ["DataProtection:Certificate"] = certificatePem,
    };

    /// <summary>
    /// Whoever has the catalog (a backup, a database administrator) and Data Protection, but not the certificate; also
    /// what every node was before the key ring was encrypted.
    /// </summary>
    private static ServiceProvider CatalogOnly(ShardedDatabase db)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScoped(_ => db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContext());
        services.AddDataProtection().SetApplicationName("MedicalPortal").PersistKeysToDbContext<CatalogDbContext>();
        return services.BuildServiceProvider();
    }

    private static IDataProtector Protector(ShardedDatabase node) => node.Get<IDataProtectionProvider>().CreateProtector(Purpose);

    /// <summary>The keys of the ring as the catalog stores them.</summary>
    private static async Task<List<XElement>> StoredKeysAsync(ShardedDatabase db)
    {
        await using var catalog = await db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        var rows = await catalog.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
        return [.. rows.Select(xml => XElement.Parse(xml!)).Where(element => element.Name == "key")];
    }

    /// <summary>The certificate (base64 DER) a stored key's secret is encrypted to, as its encrypted key names it.</summary>
    private static string EncryptedTo(XElement key) =>
        key.Descendants(XmlEncryption + "EncryptedKey").Single()
            .Descendants(XmlSignature + "X509Certificate").Single().Value;

    public sealed class OnSqlite() : KeyRingEncryptionTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : KeyRingEncryptionTests(TestProvider.Postgres);
}
