using MedicalPortal.Core.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// The key that seals the audit chains (<see cref="AuditOptions.HmacKeySetting"/>). Chains sealed with a throwaway key
/// could never be verified: outside Development the start is refused without it.
/// </summary>
internal sealed class AuditKeyRing(IOptions<AuditOptions> options, IHostEnvironment environment, IDevelopmentKeyStore developmentKeys)
{
    public byte[] Key { get; } = AuditOptions.HmacKeySetting.Load(options.Value.HmacKey, environment, developmentKeys);
}
