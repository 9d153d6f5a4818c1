using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// The key that seals the audit chains. From <c>Audit:HmacKey</c>; in Development, when none is configured, generated
/// once and kept in the data folder (<c>audit.key</c>, next to the databases, never inside one). Anywhere else the
/// portal refuses to start without it: chains sealed with a throwaway key could never be verified.
/// </summary>
internal sealed class AuditKeyRing
{
    public const int MinimumKeyBytes = 32;

    public AuditKeyRing(IOptions<AuditOptions> options, IHostEnvironment environment, DataDirectory dataDirectory)
    {
        var configured = options.Value.HmacKey;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            Key = Decode(configured, $"{AuditOptions.SectionName}:HmacKey");
        }
        else if (environment.IsDevelopment())
        {
            Key = LoadOrCreate(Path.Combine(dataDirectory.Path, "audit.key"));
        }
        else
        {
            throw new OptionsValidationException(AuditOptions.SectionName, typeof(AuditOptions),
                [$"{AuditOptions.SectionName}:HmacKey is required outside Development: a base64 key of at least {MinimumKeyBytes} bytes, kept outside the databases (for example: openssl rand -base64 32)."]);
        }
    }

    public byte[] Key { get; }

    private static byte[] LoadOrCreate(string path) => Decode(DevelopmentKeyFile.LoadOrCreate(path, MinimumKeyBytes), path);

    private static byte[] Decode(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new OptionsValidationException(AuditOptions.SectionName, typeof(AuditOptions), [$"The audit key in {source} is not base64."]);
        }

        return key.Length >= MinimumKeyBytes
            ? key
            : throw new OptionsValidationException(AuditOptions.SectionName, typeof(AuditOptions),
                [$"The audit key in {source} has {key.Length} bytes; at least {MinimumKeyBytes} are needed."]);
    }
}
