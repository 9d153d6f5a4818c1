using MedicalPortal.Core.Export;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Export;

/// <summary>
/// The folder of research exports, <c>Export:Directory</c> (relative to the content root; unset: <c>exports</c> in the
/// data folder). With several nodes it is storage they all mount, so that any node serves a file another node wrote.
/// </summary>
public sealed class ExportDirectory
{
    internal ExportDirectory(IOptions<ExportOptions> options, IHostEnvironment environment, DataDirectory dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        Path = string.IsNullOrWhiteSpace(options.Value.Directory)
            ? System.IO.Path.Combine(dataDirectory.Path, "exports")
            : System.IO.Path.GetFullPath(options.Value.Directory, environment.ContentRootPath);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }
}
