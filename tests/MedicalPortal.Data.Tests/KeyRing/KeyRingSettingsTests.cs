using System.Security.Cryptography;
using MedicalPortal.Data.Tests.Infrastructure;
using MedicalPortal.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Tests.KeyRing;

/// <summary>
/// The key ring's certificate as a start checks it: required outside Development, and every certificate configured
/// readable with its RSA private key; a problem stops the start with a message naming the setting, and never quoting
/// the certificate or its password, before anything is written.
/// </summary>
public abstract class KeyRingSettingsTests(TestProvider provider) : IDisposable
{
    private const string Password = "correct horse battery staple";

    /// <summary>Certificate files of the test's own, outside the installation's folder (which must stay empty).</summary>
    private readonly string _files = Directory.CreateTempSubdirectory("medicalportal-keyring-").FullName;

    [Fact]
    public async Task Start_OutsideDevelopmentWithoutACertificate_RefusesNamingTheSettingBeforeWritingAnything()
    {
        var settings = Production();
        settings.Remove("DataProtection:Certificate");

        var refused = await RefusedAsync(settings);

        Assert.Contains("DataProtection:Certificate is required outside Development", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAPkcs12FileAndAWrongPassword_RefusesNamingThePasswordSettingWithoutQuotingIt()
    {
        var settings = Production();
        settings["DataProtection:Certificate"] = WriteFile("key-ring.pfx", TestCertificates.NewPkcs12(Password));
        settings["DataProtection:CertificatePassword"] = "Tr0ub4dor&3";

        var refused = await RefusedAsync(settings);

        Assert.Contains("DataProtection:Certificate cannot be opened with DataProtection:CertificatePassword: the password is wrong", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("Tr0ub4dor&3", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAPkcs12FileAndNoPassword_RefusesAskingForThePassword()
    {
        var settings = Production();
        settings["DataProtection:Certificate"] = WriteFile("key-ring.pfx", TestCertificates.NewPkcs12(Password));

        var refused = await RefusedAsync(settings);

        Assert.Contains("cannot be opened without a password: set DataProtection:CertificatePassword", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAPkcs12FileAndItsPassword_Starts()
    {
        var settings = Production();
        settings["DataProtection:Certificate"] = WriteFile("key-ring.pfx", TestCertificates.NewPkcs12(Password));
        settings["DataProtection:CertificatePassword"] = Password;

        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1, environment: Environments.Production, settings: settings);

        Assert.NotNull(db.Get<Data.KeyRing.KeyRingCertificates>().Current);
    }

    [Fact]
    public async Task Start_WithAPemFileOfTheCertificateAndItsKey_Starts()
    {
        var settings = Production();
        settings["DataProtection:Certificate"] = WriteFile("key-ring.pem", System.Text.Encoding.ASCII.GetBytes(TestCertificates.NewPem()));

        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1, environment: Environments.Production, settings: settings);

        Assert.True(db.Get<Data.KeyRing.KeyRingCertificates>().Current.HasPrivateKey);
    }

    [Fact]
    public async Task Start_WithACertificateButNoPrivateKey_RefusesSayingSo()
    {
        var settings = Production();
        var pem = TestCertificates.NewPem();
        settings["DataProtection:Certificate"] = pem[..(pem.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + 25)];

        var refused = await RefusedAsync(settings);

        Assert.Contains("DataProtection:Certificate holds no private key", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("MII", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAFileThatDoesNotExist_RefusesNamingTheSettingAndThePath()
    {
        var settings = Production();
        settings["DataProtection:Certificate"] = Path.Combine(_files, "missing.pem");

        var refused = await RefusedAsync(settings);

        Assert.Contains($"DataProtection:Certificate names no file that exists: {Path.Combine(_files, "missing.pem")}", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAnRsaKeyShorterThan2048Bits_Refuses()
    {
        var settings = Production();
        settings["DataProtection:Certificate"] = TestCertificates.NewPem(keyBits: 1024);

        var refused = await RefusedAsync(settings);

        Assert.Contains("DataProtection:Certificate has an RSA key of 1024 bits: at least 2048 are needed.", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAPreviousCertificateThatCannotBeRead_RefusesNamingThatEntry()
    {
        var settings = Production();
        settings["DataProtection:PreviousCertificates:0:Certificate"] = TestCertificates.NewPem();
        settings["DataProtection:PreviousCertificates:1:Certificate"] = WriteFile("old.pfx", TestCertificates.NewPkcs12(Password));
        settings["DataProtection:PreviousCertificates:1:CertificatePassword"] = "not it";

        var refused = await RefusedAsync(settings);

        Assert.Contains("DataProtection:PreviousCertificates:1:Certificate cannot be opened with DataProtection:PreviousCertificates:1:CertificatePassword", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("PreviousCertificates:0", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InDevelopmentWithABadCertificate_RefusesToo()
    {
        await using var databases = await TestDatabases.CreateAsync(provider, shardCount: 1);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => ShardedDatabase.StartAsync(databases,
            settings: new Dictionary<string, string?> { ["DataProtection:Certificate"] = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----" }));

        Assert.Contains("DataProtection:Certificate cannot be read", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(databases.DataFolder, Data.KeyRing.KeyRingCertificates.DevelopmentFileName)), "A certificate was generated although one was configured.");
    }

    public void Dispose()
    {
        Directory.Delete(_files, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Everything a start outside Development needs, so that only what a test leaves out or changes is refused.</summary>
    private static Dictionary<string, string?> Production() => new()
    {
        ["Audit:HmacKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["Export:PseudonymKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["Audit:AnchorDirectory"] = "audit-anchors",
        ["DataProtection:Certificate"] = TestCertificates.Shared,
    };

    /// <summary>Starts a node outside Development on fresh databases; returns the refusal, once nothing was found written.</summary>
    private async Task<string> RefusedAsync(Dictionary<string, string?> settings)
    {
        await using var databases = await TestDatabases.CreateAsync(provider, shardCount: 1);
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ShardedDatabase.StartAsync(databases, environment: Environments.Production, settings: settings));
        Assert.Empty(await databases.WrittenAsync());
        return refused.Message;
    }

    private string WriteFile(string name, byte[] contents)
    {
        var path = Path.Combine(_files, name);
        File.WriteAllBytes(path, contents);
        return path;
    }

    public sealed class OnSqlite() : KeyRingSettingsTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : KeyRingSettingsTests(TestProvider.Postgres);
}
