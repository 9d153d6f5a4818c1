using System.Globalization;
using System.Text.Json;
using MedicalPortal.Core.Audit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// The checkpoint files in <c>Audit:AnchorDirectory</c> (relative to the content root; unset, which only Development
/// allows: <c>audit-anchors</c> in the data folder), one per checkpoint: <c>&lt;UTC time&gt;-&lt;database&gt;.json</c>,
/// written first as <c>.&lt;name&gt;.tmp</c> beside it, flushed to disk and renamed, as the extraction writes its files.
/// A file is never written again, and none is ever deleted here: storage that refuses both (object lock) can hold them.
/// </summary>
internal sealed class AuditAnchorFiles(
    IOptions<AuditOptions> options, IHostEnvironment environment, DataDirectory dataDirectory, AuditKeyRing keys)
{
    /// <summary>How the verification names the checkpoints when one of them is bad: never a database's name (it has a space).</summary>
    public const string ReportName = "anchor directory";

    private readonly string _root = string.IsNullOrWhiteSpace(options.Value.AnchorDirectory)
        ? Path.Combine(dataDirectory.Path, "audit-anchors")
        : Path.GetFullPath(options.Value.AnchorDirectory, environment.ContentRootPath);

    /// <summary>Writes a new checkpoint of <paramref name="database"/>'s head, sealed with the audit key.</summary>
    public async Task<AnchorCheckpoint> WriteAsync(
        string database, long sequence, byte[] hash, bool headSealedWithName, DateTimeOffset writtenAt, CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{writtenAt.UtcDateTime:yyyyMMdd'T'HHmmssfffffff'Z'}-{AuditSeal.DatabaseKey(database)}.json");
        var file = new AnchorFile(database, sequence, Convert.ToBase64String(hash), writtenAt, headSealedWithName,
            Convert.ToBase64String(AuditSeal.ForAnchor(keys.Key, database, sequence, hash, writtenAt, headSealedWithName)));

        Directory.CreateDirectory(_root);
        var temporary = Path.Combine(_root, $".{name}.tmp");
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(stream, file, AuditJson.Default.AnchorFile, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        // Never over an existing checkpoint: if the name were taken, this one fails rather than replace it.
        File.Move(temporary, Path.Combine(_root, name), overwrite: false);
        return new AnchorCheckpoint(name, database, sequence, hash, writtenAt, headSealedWithName);
    }

    /// <summary>
    /// Every checkpoint, each checked against its seal; a file that cannot be read or whose seal the key did not make is
    /// the first problem reported (and is not used). Temporary files of checkpoints being written are not read.
    /// </summary>
    public async Task<AnchorReading> ReadAsync(CancellationToken cancellationToken)
    {
        var checkpoints = new List<AnchorCheckpoint>();
        ChainProblem? problem = null;
        var files = Directory.Exists(_root)
            ? Directory.EnumerateFiles(_root, "*.json").Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];
        foreach (var path in files)
        {
            var name = Path.GetFileName(path);
            var (checkpoint, wrong) = await ReadAsync(path, name, cancellationToken);
            if (checkpoint is not null)
            {
                checkpoints.Add(checkpoint);
            }
            else
            {
                problem ??= wrong;
            }
        }

        return new AnchorReading(checkpoints, files.Count, problem);
    }

    private async Task<(AnchorCheckpoint? Checkpoint, ChainProblem? Problem)> ReadAsync(string path, string name, CancellationToken cancellationToken)
    {
        AnchorFile? file;
        byte[] hash;
        byte[] seal;
        try
        {
            await using var stream = File.OpenRead(path);
            file = await JsonSerializer.DeserializeAsync(stream, AuditJson.Default.AnchorFile, cancellationToken);
            hash = Convert.FromBase64String(file?.Hash ?? "");
            seal = Convert.FromBase64String(file?.Seal ?? "");
        }
        catch (Exception e) when (e is JsonException or FormatException or IOException or UnauthorizedAccessException)
        {
            file = null;
            hash = seal = [];
        }

        if (file is not { Database: { Length: > 0 } database } || hash.Length == 0 || seal.Length == 0)
        {
            return (null, new ChainProblem(0, ChainProblemKind.BadCheckpoint,
                $"The checkpoint {name} cannot be read: it is not a checkpoint the portal wrote."));
        }

        if (!AuditSeal.ForAnchor(keys.Key, database, file.Sequence, hash, file.WrittenAt, file.HeadSealedWithName).AsSpan().SequenceEqual(seal))
        {
            return (null, new ChainProblem(file.Sequence, ChainProblemKind.BadCheckpoint,
                $"The checkpoint {name} is not sealed with the audit key: it was forged, or changed after it was written."));
        }

        return (new AnchorCheckpoint(name, database, file.Sequence, hash, file.WrittenAt, file.HeadSealedWithName), null);
    }
}

/// <summary>One checkpoint of a database's head, read back and found sealed with the key.</summary>
/// <param name="Name">The file's name, by which reports name the checkpoint.</param>
internal sealed record AnchorCheckpoint(string Name, string Database, long Sequence, byte[] Hash, DateTimeOffset WrittenAt, bool HeadSealedWithName)
{
    public AuditAnchor ToAnchor() => new(Database, Sequence, WrittenAt, Name);
}

/// <summary>What the anchor directory holds: the good checkpoints, how many files were read, and the first bad one.</summary>
internal sealed record AnchorReading(IReadOnlyList<AnchorCheckpoint> Checkpoints, int Files, ChainProblem? Problem)
{
    /// <summary>The checkpoints of <paramref name="database"/> (names compared as seals compare them, ignoring case).</summary>
    public IReadOnlyList<AnchorCheckpoint> Of(string database) =>
        [.. Checkpoints.Where(c => AuditSeal.DatabaseKey(c.Database) == AuditSeal.DatabaseKey(database))];
}

/// <summary>A checkpoint as its file holds it (JSON): the hash and the seal in base64.</summary>
internal sealed record AnchorFile(string Database, long Sequence, string Hash, DateTimeOffset WrittenAt, bool HeadSealedWithName, string Seal);
