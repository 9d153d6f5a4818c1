using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.KeyRing;

internal static class KeyRingProtection
{
    /// <summary>
    /// Encrypts every new key of the ring to <c>DataProtection:Certificate</c> before it is stored, and decrypts stored
    /// keys with it and with <c>DataProtection:PreviousCertificates</c>: what <c>ProtectKeysWithCertificate</c> and
    /// <c>UnprotectKeysWithAnyCertificate</c> do, with the certificates taken from the configuration when a key is
    /// first written or read, after the configuration was validated, rather than when services are registered.
    /// </summary>
    public static IDataProtectionBuilder ProtectKeysWithConfiguredCertificates(this IDataProtectionBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyRingOptions>, KeyRingOptionsValidator>();
        services.AddSingleton<KeyRingCertificates>();
        services.AddSingleton<PlainKeyRetirement>();

        // The key manager reads its options when it is built (as soon as anything asks for a protector); the encryptor
        // reads the certificate only when it encrypts a new key.
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlEncryptor = new ConfiguredCertificateXmlEncryptor(sp.GetRequiredService<KeyRingCertificates>(), sp.GetRequiredService<ILoggerFactory>())));

        // Data Protection decrypts a stored key with the certificates of options it keeps internal, which only
        // UnprotectKeysWithAnyCertificate fills, from certificates in hand when services are registered. (Without them
        // it looks in the user's certificate store, where a certificate loaded from a file never is: on Linux nothing
        // could be read back.) So that method's own registration is made when Data Protection first asks for those
        // options, which is when it first decrypts a key, over the certificates loaded then.
        var decryption = DecryptionRegistration([]);
        services.Add(ServiceDescriptor.Singleton(decryption.ServiceType,
            sp => DecryptionRegistration([.. sp.GetRequiredService<KeyRingCertificates>().All]).ImplementationInstance!));
        return builder;
    }

    /// <summary>What <c>UnprotectKeysWithAnyCertificate(certificates)</c> registers: the configuration of the decryption options.</summary>
    private static ServiceDescriptor DecryptionRegistration(X509Certificate2[] certificates)
    {
        var services = new ServiceCollection();
        new Registrations(services).UnprotectKeysWithAnyCertificate(certificates);
        return services.Single(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>));
    }

    private sealed class Registrations(IServiceCollection services) : IDataProtectionBuilder
    {
        public IServiceCollection Services => services;
    }

    /// <summary>
    /// Data Protection's own <see cref="CertificateXmlEncryptor"/> over the current certificate: the stored key names
    /// Data Protection's decryptor and the certificate, exactly as with <c>ProtectKeysWithCertificate</c>.
    /// </summary>
    private sealed class ConfiguredCertificateXmlEncryptor(KeyRingCertificates certificates, ILoggerFactory logging) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
            new CertificateXmlEncryptor(certificates.Current, logging).Encrypt(plaintextElement);
    }
}
