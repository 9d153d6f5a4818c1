using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.KeyRing;

/// <summary>
/// The certificates of the key ring, loaded when a key is first written or read (never before the configuration was
/// validated): the configured one, or in Development without one a self-signed certificate generated once into the
/// data folder (<see cref="DevelopmentFileName"/>), so that every start on that folder reads the keys of the last.
/// </summary>
internal sealed class KeyRingCertificates(
    IOptions<KeyRingOptions> options, IHostEnvironment environment, DevelopmentKeyStore developmentKeys, TimeProvider clock) : IDisposable
{
    /// <summary>The generated certificate and its private key, in the data folder, next to the other generated keys.</summary>
    public const string DevelopmentFileName = "data-protection.pem";

    /// <summary>Why a node outside Development refuses to start without a certificate.</summary>
    public static readonly string Required =
        $"{KeyRingOptions.CertificateSetting} is required outside Development: the certificate, with its RSA private key, that encrypts the " +
        "Data Protection keys in the catalog, the same on every node (a PEM file of the certificate and its key, a PKCS#12 file, or the PEM text; " +
        "for example: openssl req -x509 -newkey rsa:3072 -noenc -days 3650 -subj /CN=MedicalPortal -keyout key.pem -out cert.pem, then " +
        "cat cert.pem key.pem > data-protection.pem).";

    private readonly Lazy<IReadOnlyList<X509Certificate2>> _certificates = new(() => Load(options.Value, environment, developmentKeys, clock));

    /// <summary>The certificate every new key is encrypted to.</summary>
    public X509Certificate2 Current => _certificates.Value[0];

    /// <summary>Every certificate a stored key may have been encrypted to: the current one, then the previous ones.</summary>
    public IReadOnlyList<X509Certificate2> All => _certificates.Value;

    public void Dispose()
    {
        if (_certificates.IsValueCreated)
        {
            foreach (var certificate in _certificates.Value)
            {
                certificate.Dispose();
            }
        }
    }

    private static List<X509Certificate2> Load(KeyRingOptions options, IHostEnvironment environment, DevelopmentKeyStore developmentKeys, TimeProvider clock)
    {
        var root = environment.ContentRootPath;
        var certificates = new List<X509Certificate2>();
        try
        {
            if (!string.IsNullOrWhiteSpace(options.Certificate))
            {
                certificates.Add(Loaded(KeyRingCertificateLoader.Load(
                    options.Certificate, options.CertificatePassword, KeyRingOptions.CertificateSetting, KeyRingOptions.CertificatePasswordSetting, root)));
            }
            else if (environment.IsDevelopment())
            {
                var (pem, location) = developmentKeys.LoadOrCreateText(DevelopmentFileName, () => DevelopmentCertificate(clock));
                certificates.Add(Loaded(KeyRingCertificateLoader.Load(pem, password: null, location, location, root)));
            }
            else
            {
                // Refused at start (KeyRingOptionsValidator); should it get here anyway, it stops here too.
                throw new InvalidOperationException(Required);
            }

            for (var i = 0; i < options.PreviousCertificates.Count; i++)
            {
                var previous = options.PreviousCertificates[i];
                certificates.Add(Loaded(KeyRingCertificateLoader.Load(
                    previous.Certificate ?? "",
                    previous.CertificatePassword,
                    KeyRingOptions.PreviousSetting(i, nameof(PreviousKeyRingCertificate.Certificate)),
                    KeyRingOptions.PreviousSetting(i, nameof(PreviousKeyRingCertificate.CertificatePassword)),
                    root)));
            }

            return certificates;
        }
        catch
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            throw;
        }
    }

    private static X509Certificate2 Loaded((X509Certificate2? Certificate, string? Problem) loaded) =>
        loaded.Certificate ?? throw new InvalidOperationException(loaded.Problem);

    /// <summary>A self-signed RSA certificate for one developer's data folder, as PEM: the certificate, then its key.</summary>
    private static string DevelopmentCertificate(TimeProvider clock)
    {
        using var key = RSA.Create(KeyRingCertificateLoader.MinimumKeyBits);
        var request = new CertificateRequest(
            "CN=MedicalPortal Data Protection (Development)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, critical: true));
        var now = clock.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return $"{certificate.ExportCertificatePem()}\n{key.ExportPkcs8PrivateKeyPem()}\n";
    }
}
