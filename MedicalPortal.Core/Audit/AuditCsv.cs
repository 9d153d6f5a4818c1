using System.Globalization;
using CsvHelper;

namespace MedicalPortal.Core.Audit;

/// <summary>
/// The audit trail as a file an auditor can sort and filter in a spreadsheet: one row per entry, newest first, with
/// its patients by MRN and name beside their ids and each change as "field: before -> after". RFC 4180 through
/// CsvHelper, UTF-8, CRLF; a text field a spreadsheet would run as a formula is written quoted with a leading
/// apostrophe, as the research export does (an actor's name or a changed value is text anyone could have typed).
/// </summary>
public static class AuditCsv
{
    public static IReadOnlyList<string> Header { get; } =
    [
        "timestamp_utc", "database", "sequence", "actor_id", "actor", "action", "record", "record_id", "patient_ids",
        "patients", "changes",
    ];

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Injection = CsvInjection.Escape,
        InjectionEscape = '\'',
    };

    /// <summary>Writes the header and every page's entries as they come; returns how many entries it wrote.</summary>
    public static async Task<int> WriteAsync(Stream output, IAsyncEnumerable<AuditTrailPage> pages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pages);
        await using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        csv.WriteHeader([.. Header]);
        var count = 0;
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            foreach (var entry in page.Entries.Items)
            {
                var patients = AuditService.PatientsOf(entry).ToList();
                await csv.WriteRecordAsync(
                [
                    entry.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                    entry.Database,
                    entry.Sequence.ToString(CultureInfo.InvariantCulture),
                    entry.ActorId ?? "",
                    entry.ActorName,
                    entry.Action.ToString(),
                    entry.Resource.ToString(),
                    entry.ResourceId ?? "",
                    string.Join("; ", patients.Select(id => id.ToString("D"))),
                    string.Join("; ", patients.Select(id => page.Patients.TryGetValue(id, out var p) ? $"{p.Mrn} {p.Name}" : "unknown")),
                    string.Join("; ", entry.Changes.Select(c => $"{c.Property}: {c.Old ?? "(none)"} -> {c.New ?? "(none)"}")),
                ], cancellationToken);
                count++;
            }
        }

        await csv.FlushAsync(cancellationToken);
        return count;
    }
}
