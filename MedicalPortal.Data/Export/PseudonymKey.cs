using System.Security.Cryptography;
using MedicalPortal.Core.Export;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Export;

/// <summary>
/// The master key of research ids: <c>Export:PseudonymKey</c>; in Development, when none is configured, generated once
/// into the data folder (<c>export.key</c>). Anywhere else the portal refuses to start without one (the initializer
/// resolves it first): research ids made with a throwaway key would change with every restart and could not be linked
/// across a study's extractions.
/// </summary>
internal sealed class PseudonymKey(IOptions<ExportOptions> options, IHostEnvironment environment, DataDirectory dataDirectory)
    : IPseudonymKey
{
    private readonly Lazy<byte[]> _key = new(() => Resolve(options.Value, environment, dataDirectory));

    public byte[] Key => _key.Value;

    private static byte[] Resolve(ExportOptions options, IHostEnvironment environment, DataDirectory dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(options.PseudonymKey))
        {
            return Decode(options.PseudonymKey, $"{ExportOptions.SectionName}:PseudonymKey");
        }

        if (!environment.IsDevelopment())
        {
            throw new OptionsValidationException(ExportOptions.SectionName, typeof(ExportOptions),
                [$"{ExportOptions.SectionName}:PseudonymKey is required outside Development: a base64 key of at least 32 bytes, kept outside the databases."]);
        }

        var path = Path.Combine(dataDirectory.Path, "export.key");
        return Decode(DevelopmentKeyFile.LoadOrCreate(path, 32), path);
    }

    private static byte[] Decode(string base64, string source)
    {
        try
        {
            var key = Convert.FromBase64String(base64);
            return key.Length >= 32
                ? key
                : throw new OptionsValidationException(ExportOptions.SectionName, typeof(ExportOptions), [$"The key in {source} has fewer than 32 bytes."]);
        }
        catch (FormatException)
        {
            throw new OptionsValidationException(ExportOptions.SectionName, typeof(ExportOptions), [$"The key in {source} is not base64."]);
        }
    }
}
