using MedicalPortal.Core.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Core.Export;

/// <summary>
/// The master key of research ids (<see cref="ExportOptions.PseudonymKeySetting"/>). Research ids made with a throwaway
/// key would change with every restart and could not be linked across a study's extractions: outside Development the
/// start is refused without it.
/// </summary>
internal sealed class PseudonymKey(IOptions<ExportOptions> options, IHostEnvironment environment, IDevelopmentKeyStore developmentKeys)
    : IPseudonymKey
{
    public byte[] Key { get; } = ExportOptions.PseudonymKeySetting.Load(options.Value.PseudonymKey, environment, developmentKeys);
}
