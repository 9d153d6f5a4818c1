using System.Security.Cryptography;
using MedicalPortal.Core.Export;

namespace MedicalPortal.Data.Export;

/// <summary>
/// Extraction files in the <see cref="ExportDirectory"/>: <c>&lt;study id&gt;/&lt;window end&gt;.csv</c>, written first as
/// <c>.&lt;name&gt;.tmp</c> beside it and renamed once on disk.
/// </summary>
internal sealed class ExtractionFileStore(ExportDirectory directory) : IExtractionFileStore
{
    private readonly string _root = directory.Path;

    public async Task WriteTemporaryAsync(ExtractionRun run, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temporary = PathOf(run, ExtractionFile.Temporary);
        Directory.CreateDirectory(Path.GetDirectoryName(temporary)!);
        await using var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        await write(file, cancellationToken);
        await file.FlushAsync(cancellationToken);
        file.Flush(flushToDisk: true);
    }

    public async Task<string?> Sha256Async(ExtractionRun run, ExtractionFile file, CancellationToken cancellationToken)
    {
        var path = PathOf(run, file);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    public Task PublishAsync(ExtractionRun run, CancellationToken cancellationToken)
    {
        File.Move(PathOf(run, ExtractionFile.Temporary), PathOf(run, ExtractionFile.Final), overwrite: true);
        return Task.CompletedTask;
    }

    public string? Find(ExtractionRun run)
    {
        var path = PathOf(run, ExtractionFile.Final);
        return File.Exists(path) ? path : null;
    }

    private string PathOf(ExtractionRun run, ExtractionFile file)
    {
        ArgumentNullException.ThrowIfNull(run);
        var name = file == ExtractionFile.Temporary ? $".{run.FileName}.tmp" : run.FileName;
        return Path.Combine(_root, run.StudyId.ToString("D"), name);
    }
}
