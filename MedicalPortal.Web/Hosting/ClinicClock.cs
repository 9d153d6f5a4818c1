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

    public string Format(DateTimeOffset instant) =>
        ToClinic(instant).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
