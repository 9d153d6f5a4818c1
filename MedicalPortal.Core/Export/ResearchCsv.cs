using CsvHelper;

namespace MedicalPortal.Core.Export;

/// <summary>
/// The research CSV (ARCHITECTURE.md section 12): RFC 4180 through CsvHelper, UTF-8, CRLF, and any text field that a
/// spreadsheet would run as a formula (starting with = + - @, tab or CR) written quoted, with a leading apostrophe.
/// </summary>
public static class ResearchCsv
{
    public static IReadOnlyList<string> Header { get; } =
    [
        "research_id", "birth_year", "sex", "zip3", "visit_year", "visit_type", "height_cm", "weight_kg",
        "systolic", "diastolic", "heart_rate", "temperature_c", "diagnosis_codes",
    ];

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Injection = CsvInjection.Escape,
        InjectionEscape = '\'',
    };

    /// <summary>
    /// Writes the header and the rows as they come; nothing is held in memory but the writer's buffer. Only
    /// asynchronous writes reach <paramref name="output"/>: an HTTP response refuses synchronous ones.
    /// </summary>
    public static async Task<int> WriteAsync(Stream output, IAsyncEnumerable<ResearchRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        csv.WriteHeader([.. Header]);
        var count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await csv.WriteRecordAsync(
            [
                row.ResearchId, row.BirthYear, row.Sex, row.Zip3, row.VisitYear ?? "", row.VisitType ?? "",
                row.HeightCm ?? "", row.WeightKg ?? "", row.Systolic ?? "", row.Diastolic ?? "", row.HeartRate ?? "",
                row.TemperatureC ?? "", row.DiagnosisCodes ?? "",
            ], cancellationToken);
            count++;
        }

        await csv.FlushAsync(cancellationToken);
        return count;
    }
}
