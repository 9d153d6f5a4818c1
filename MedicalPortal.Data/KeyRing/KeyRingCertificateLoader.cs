using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MedicalPortal.Data.KeyRing;

/// <summary>
/// Reads a key ring certificate as configured: PEM text, or the path of a PEM or PKCS#12 file. What it cannot use comes
/// back as a message that names the setting and never holds the value, the password or any key material.
/// </summary>
internal static class KeyRingCertificateLoader
{
    /// <summary>The smallest RSA key that may encrypt the key ring.</summary>
    public const int MinimumKeyBits = 2048;

    private const string PemStart = "-----BEGIN ";

    /// <summary>Values this long or with whitespace are never echoed: they are no path, and may be a pasted secret.</summary>
    private const int LongestEchoedPath = 260;

    /// <summary>
    /// The certificate, with its private key, that <paramref name="configured"/> holds or names; or why it cannot be
    /// used, naming <paramref name="setting"/> (and <paramref name="passwordSetting"/> when the password is at fault).
    /// </summary>
    public static (X509Certificate2? Certificate, string? Problem) Load(
        string configured, string? password, string setting, string passwordSetting, string contentRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configured);
        var value = configured.Trim();
        if (value.StartsWith(PemStart, StringComparison.Ordinal))
        {
            return Checked(FromPem(value, password, setting, passwordSetting), setting);
        }

        var path = Path.GetFullPath(value, contentRoot);
        if (!File.Exists(path))
        {
            return (null, value.Length <= LongestEchoedPath && !value.Any(char.IsWhiteSpace)
                ? $"{setting} names no file that exists: {path} (a relative path is resolved against the content root)."
                : $"{setting} is neither PEM text nor the path of a file that exists.");
        }

        byte[] contents;
        try
        {
            contents = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"{setting} names a file this node cannot read: {path} ({e.GetType().Name}).");
        }

        var text = Encoding.UTF8.GetString(contents).TrimStart('\uFEFF').Trim();
        if (text.StartsWith(PemStart, StringComparison.Ordinal))
        {
            return Checked(FromPem(text, password, setting, passwordSetting), setting);
        }

        return X509Certificate2.GetCertContentType(contents) == X509ContentType.Pkcs12
            ? Checked(FromPkcs12(contents, password, setting, passwordSetting), setting)
            : (null, $"{setting} names a file that is neither PEM (a certificate and its private key) nor PKCS#12: {path}.");
    }

    private static (X509Certificate2? Certificate, string? Problem) FromPem(string pem, string? password, string setting, string passwordSetting)
    {
        if (!pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            return (null, $"{setting} holds no certificate (-----BEGIN CERTIFICATE-----): it takes the certificate and its private key.");
        }

        var encrypted = pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        string[] plainKeys = ["-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----"];
        if (!encrypted && !plainKeys.Any(label => pem.Contains(label, StringComparison.Ordinal)))
        {
            return (null, $"{setting} holds no private key: it takes the certificate and its private key, in one PEM.");
        }

        if (encrypted && string.IsNullOrEmpty(password))
        {
            return (null, $"{setting} holds an encrypted private key, and {passwordSetting} is not set.");
        }

        try
        {
            return (encrypted ? X509Certificate2.CreateFromEncryptedPem(pem, pem, password) : X509Certificate2.CreateFromPem(pem, pem), null);
        }
        catch (Exception e) when (encrypted && e is CryptographicException or ArgumentException)
        {
            return (null, $"{setting} cannot be opened with {passwordSetting}: the password is wrong, or the key is not the certificate's.");
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return (null, $"{setting} cannot be read: its certificate or private key is malformed, or the key is not the certificate's.");
        }
    }

    private static (X509Certificate2? Certificate, string? Problem) FromPkcs12(byte[] contents, string? password, string setting, string passwordSetting)
    {
        // Keys stay in memory rather than in the user's key store; macOS has no such keys.
        var flags = OperatingSystem.IsMacOS() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;
        try
        {
            return (X509CertificateLoader.LoadPkcs12(contents, password, flags), null);
        }
        catch (CryptographicException)
        {
            return (null, string.IsNullOrEmpty(password)
                ? $"{setting} is a PKCS#12 file that cannot be opened without a password: set {passwordSetting}."
                : $"{setting} cannot be opened with {passwordSetting}: the password is wrong, or the file is damaged.");
        }
    }

    /// <summary>What the key ring needs of a certificate it encrypts to and decrypts with: its RSA private key.</summary>
    private static (X509Certificate2? Certificate, string? Problem) Checked((X509Certificate2? Certificate, string? Problem) loaded, string setting)
    {
        if (loaded.Certificate is not { } certificate)
        {
            return loaded;
        }

        using var rsa = certificate.GetRSAPublicKey();
        var problem = !certificate.HasPrivateKey ? $"{setting} holds no private key: it takes the certificate with its private key."
            : rsa is null ? $"{setting} has a {certificate.PublicKey.Oid.FriendlyName} key: encrypting the key ring takes an RSA certificate."
            : rsa.KeySize < MinimumKeyBits ? $"{setting} has an RSA key of {rsa.KeySize} bits: at least {MinimumKeyBits} are needed."
            : null;
        if (problem is null)
        {
            return (certificate, null);
        }

        certificate.Dispose();
        return (null, problem);
    }
}
