using System.Xml.Linq;
using MedicalPortal.Data.Catalog;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.KeyRing;

/// <summary>
/// An installation from before the key ring was encrypted has keys stored in the clear, and Data Protection would keep
/// protecting with the current one until it expires (90 days). When the current key is one of those, a new key,
/// encrypted like every new key, takes over at once. The plain keys stay: they still read the cookies, tokens and
/// connection strings they protected, but protect nothing new.
/// </summary>
internal sealed partial class PlainKeyRetirement(
    IDbContextFactory<CatalogDbContext> catalog,
    IKeyManager keys,
    IOptions<KeyManagementOptions> keyManagement,
    TimeProvider clock,
    ILogger<PlainKeyRetirement> logger)
{
    private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", "http://schemas.asp.net/2015/03/dataProtection");

    /// <summary>Once the catalog is at the latest migration: replaces a current key stored in the clear.</summary>
    public async Task RetireCurrentPlainKeyAsync(CancellationToken cancellationToken)
    {
        List<string?> stored;
        await using (var context = await catalog.CreateDbContextAsync(cancellationToken))
        {
            stored = await context.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(cancellationToken);
        }

        var plain = stored
            .Select(xml => string.IsNullOrEmpty(xml) ? null : XElement.Parse(xml))
            .Where(key => key?.Name == "key" && !key.Descendants(EncryptedSecret).Any())
            .Select(key => (Guid)key!.Attribute("id")!)
            .ToHashSet();
        if (plain.Count == 0)
        {
            return;
        }

        // The key Data Protection protects with: the latest activated one that is neither revoked nor expired.
        var now = clock.GetUtcNow();
        var current = keys.GetAllKeys()
            .Where(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now)
            .MaxBy(key => key.ActivationDate);
        if (current is null || !plain.Contains(current.KeyId))
        {
            return;
        }

        var replacement = keys.CreateNewKey(now, now + keyManagement.Value.NewKeyLifetime);
        LogPlainKeyRetired(logger, current.KeyId, replacement.KeyId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The current Data Protection key {PlainKey} is stored unencrypted (written before DataProtection:Certificate was configured): key {NewKey}, encrypted, protects from now on.")]
    private static partial void LogPlainKeyRetired(ILogger logger, Guid plainKey, Guid newKey);
}
