using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Hosting;

/// <summary>Converts between stored instants and the clinic's wall-clock time, for the screens.</summary>
public sealed class ClinicClock(IOptions<ClinicOptions> options, TimeProvider time)
{
    private readonly TimeZoneInfo _zone = string.IsNullOrWhiteSpace(options.Value.TimeZone)
        ? time.LocalTimeZone
        : TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTimeOffset Now => TimeZoneInfo.ConvertTime(time.GetUtcNow(), _zone);

    public DateOnly Today => DateOnly.FromDateTime(Now.DateTime);

    public DateTimeOffset ToClinic(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, _zone);

    /// <summary>A wall-clock time typed in the clinic, as an instant.</summary>
    public DateTimeOffset FromClinic(DateTime wallClock)
    {
        var unspecified = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, _zone.GetUtcOffset(unspecified));
    }

    /// <summary>The clinic's calendar day <paramref name="day"/> as instants: from its midnight to the next.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Day(DateOnly day) =>
        (FromClinic(day.ToDateTime(TimeOnly.MinValue)), FromClinic(day.AddDays(1).ToDateTime(TimeOnly.MinValue)));

    /// <summary>The time of day in the clinic, such as 14:05.</summary>
    public string FormatTime(DateTimeOffset instant) =>
        ToClinic(instant).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public string Format(DateTimeOffset instant) =>
        ToClinic(instant).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
