namespace MedicalPortal.Web.Hosting;

/// <summary><c>Clinic</c> configuration: facts about the clinic the portal serves.</summary>
public sealed class ClinicOptions
{
    public const string SectionName = "Clinic";

    /// <summary>
    /// IANA time zone the clinic works in (such as America/Chicago). Visit times are entered and shown in it; they are
    /// stored as instants. Empty means the server's own time zone.
    /// </summary>
    public string? TimeZone { get; set; }
}
