namespace MedicalPortal.Data.KeyRing;

/// <summary>
/// <c>DataProtection</c> configuration: the certificate that encrypts the Data Protection key ring (the keys behind
/// every cookie, bearer token and registered shard's connection string) before it is stored in the catalog, so that a
/// copy of the catalog alone forges and reads nothing (decision 0030).
/// </summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>
    /// The certificate with its RSA private key, the same on every node: the path of a PEM file holding both (relative
    /// paths are resolved against the content root) or of a PKCS#12 (.pfx) file, or the PEM text itself. New keys are
    /// encrypted to it. Required outside Development; in Development one is generated once into the data folder
    /// (<c>data-protection.pem</c>) when none is configured.
    /// </summary>
    public string? Certificate { get; set; }

    /// <summary>The password of a PKCS#12 file or of an encrypted PEM private key; empty when there is none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Certificates that encrypted keys before the current one, kept after a rotation so that the keys they encrypted
    /// (and the cookies, tokens and connection strings those protect) stay readable. Never used to encrypt.
    /// </summary>
    public List<PreviousKeyRingCertificate> PreviousCertificates { get; set; } = [];

    /// <summary>The configuration key of <see cref="Certificate"/>.</summary>
    public static string CertificateSetting => $"{SectionName}:{nameof(Certificate)}";

    /// <summary>The configuration key of <see cref="CertificatePassword"/>.</summary>
    public static string CertificatePasswordSetting => $"{SectionName}:{nameof(CertificatePassword)}";

    /// <summary>The configuration key of the previous certificate at <paramref name="index"/>, or of one of its keys.</summary>
    public static string PreviousSetting(int index, string key) => $"{SectionName}:{nameof(PreviousCertificates)}:{index}:{key}";
}

/// <summary>One of <see cref="KeyRingOptions.PreviousCertificates"/>: the same two keys as the current certificate's.</summary>
public sealed class PreviousKeyRingCertificate
{
    /// <inheritdoc cref="KeyRingOptions.Certificate"/>
    public string? Certificate { get; set; }

    /// <inheritdoc cref="KeyRingOptions.CertificatePassword"/>
    public string? CertificatePassword { get; set; }
}
