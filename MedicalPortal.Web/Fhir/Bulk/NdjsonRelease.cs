using System.Text.Json;
using Hl7.Fhir.Serialization;
using MedicalPortal.Core.Export;
using Resource = Hl7.Fhir.Model.Resource;

namespace MedicalPortal.Web.Fhir.Bulk;

/// <summary>
/// Writes a study's release as FHIR NDJSON, one file per resource type (<c>Patient.ndjson</c>, <c>Encounter.ndjson</c>,
/// ...), one resource per line, as the rows arrive: a Patient when a patient's first row comes, then the resources of
/// each visit. Only the requested types are written.
/// </summary>
internal sealed class NdjsonRelease(string folder, Guid studyId, IReadOnlyList<string> types)
{
    /// <summary>The resource types a release holds, in the order of the manifest.</summary>
    public static IReadOnlyList<string> Types { get; } = ["Patient", "Encounter", "Observation", "Condition"];

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir();

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    private readonly Dictionary<string, int> _counts = types.ToDictionary(t => t, _ => 0, StringComparer.Ordinal);
    private int _resources;

    /// <summary>Resources written so far, of every type (read while the export runs).</summary>
    public int Resources => Volatile.Read(ref _resources);

    /// <summary>The resources written of each requested type, once <see cref="WriteAsync"/> has returned.</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts;

    public static string FileName(string type) => $"{type}.ndjson";

    /// <summary>The folder the files are written to.</summary>
    public string Folder => folder;

    /// <summary>
    /// A <see cref="ReleaseWriter"/>: writes the rows and returns how many there were. A type's file is created with its
    /// first resource, so a type without any has none.
    /// </summary>
    public async Task<int> WriteAsync(IAsyncEnumerable<ResearchRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var files = new Dictionary<string, FileStream>(StringComparer.Ordinal);
        try
        {
            async Task AppendAsync(Resource resource)
            {
                if (!_counts.TryGetValue(resource.TypeName, out var count))
                {
                    return;
                }

                if (!files.TryGetValue(resource.TypeName, out var file))
                {
                    file = new FileStream(Path.Combine(folder, FileName(resource.TypeName)), FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
                    files.Add(resource.TypeName, file);
                }

                await file.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(resource, resource.GetType(), Json), cancellationToken);
                await file.WriteAsync(NewLine, cancellationToken);
                _counts[resource.TypeName] = count + 1;
                Interlocked.Increment(ref _resources);
            }

            // A patient's rows come together, in visit order: the visit's place among them names its resources.
            var rowCount = 0;
            string? patient = null;
            var visit = 0;
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                if (row.ResearchId != patient)
                {
                    (patient, visit) = (row.ResearchId, 0);
                    await AppendAsync(ResearchResources.Patient(studyId, row));
                }

                visit++;
                foreach (var resource in ResearchResources.Visit(row, visit))
                {
                    await AppendAsync(resource);
                }

                rowCount++;
            }

            foreach (var file in files.Values)
            {
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            return rowCount;
        }
        finally
        {
            foreach (var file in files.Values)
            {
                await file.DisposeAsync();
            }
        }
    }
}
