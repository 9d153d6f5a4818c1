using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MedicalPortal.Testing;

/// <summary>
/// Certificates for the Data Protection key ring (<c>DataProtection:Certificate</c>), made in the test: self-signed, RSA,
/// never checked in. Every node of a test that shares a catalog gets the same one.
/// </summary>
public static class TestCertificates
{
    private static readonly Lazy<string> SharedPem = new(() => NewPem());

    /// <summary>One certificate for the whole test run, as PEM text (certificate, then private key).</summary>
    public static string Shared => SharedPem.Value;

    /// <summary>A new self-signed RSA certificate and its private key, as the PEM text a setting or a file holds.</summary>
    public static string NewPem(string name = "MedicalPortal test key ring", int keyBits = 2048)
    {
        using var key = RSA.Create(keyBits);
        using var certificate = SelfSigned(name, key);
        return $"{certificate.ExportCertificatePem()}\n{key.ExportPkcs8PrivateKeyPem()}\n";
    }

    /// <summary>A new self-signed RSA certificate with its private key, as a PKCS#12 (.pfx) file protected by <paramref name="password"/>.</summary>
    public static byte[] NewPkcs12(string password, string name = "MedicalPortal test key ring")
    {
        using var key = RSA.Create(2048);
        using var certificate = SelfSigned(name, key);
        return certificate.Export(X509ContentType.Pkcs12, password);
    }

    /// <summary>The certificate of PEM text made by <see cref="NewPem"/> (public part only), to compare with what a key names.</summary>
    public static X509Certificate2 CertificateOf(string pem) => X509Certificate2.CreateFromPem(pem);

    private static X509Certificate2 SelfSigned(string name, RSA key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }
}
