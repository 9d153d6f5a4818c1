using System.Globalization;
using MedicalPortal.Core.Visits;

namespace MedicalPortal.Web.Components.Pages.Patients;

/// <summary>
/// One measure across a patient's visits, oldest first, as a chart shows it: a date per visit that measured it, and a
/// line per value (blood pressure has two). A measure taken at fewer than two visits makes no trend, and no chart.
/// </summary>
internal sealed record VitalsTrend(string Key, string Title, string Unit, IReadOnlyList<string> Dates, IReadOnlyList<VitalsLine> Lines)
{
    /// <summary>The trends the visits support, in the order a clinician reads vitals.</summary>
    public static IReadOnlyList<VitalsTrend> From(IEnumerable<VisitDto> visits, Func<DateTimeOffset, DateOnly> clinicDate)
    {
        var oldestFirst = visits.OrderBy(v => v.StartedAt).ToList();
        return new[]
            {
                Of(oldestFirst, clinicDate, "weight", "Weight", "kg", ("Weight", v => (double?)v.WeightKg)),
                Of(oldestFirst, clinicDate, "blood-pressure", "Blood pressure", "mmHg",
                    ("Systolic", v => v.Systolic), ("Diastolic", v => v.Diastolic)),
                Of(oldestFirst, clinicDate, "heart-rate", "Heart rate", "/min", ("Heart rate", v => v.HeartRate)),
                Of(oldestFirst, clinicDate, "temperature", "Temperature", "°C", ("Temperature", v => (double?)v.TemperatureC)),
            }
            .Where(trend => trend is not null)
            .Select(trend => trend!)
            .ToList();
    }

    /// <summary>In words, for the caption a screen reader reads instead of the drawing: the latest and the first value.</summary>
    public string Summary =>
        $"Latest {ValueAt(Dates.Count - 1)} on {Dates[^1]}; first {ValueAt(0)} on {Dates[0]}; measured at {Dates.Count} visits.";

    // Such as "72.5 kg", or "124/79 mmHg" for two lines; a value the visit did not take is a dash.
    private string ValueAt(int index) =>
        $"{string.Join("/", Lines.Select(line => line.Values[index] is { } value ? Number(value) : "–"))} {Unit}";

    private static VitalsTrend? Of(
        List<VisitDto> visits, Func<DateTimeOffset, DateOnly> clinicDate, string key, string title, string unit,
        params (string Name, Func<VisitDto, double?> Value)[] lines)
    {
        var measured = visits.Where(v => lines.Any(line => line.Value(v) is not null)).ToList();
        if (measured.Count < 2)
        {
            return null;
        }

        return new VitalsTrend(
            key,
            title,
            unit,
            measured.Select(v => clinicDate(v.StartedAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList(),
            lines.Select(line => new VitalsLine(line.Name, measured.Select(line.Value).ToList())).ToList());
    }

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>One line of a trend: a value per date, null where that visit did not measure it.</summary>
internal sealed record VitalsLine(string Name, IReadOnlyList<double?> Values);
