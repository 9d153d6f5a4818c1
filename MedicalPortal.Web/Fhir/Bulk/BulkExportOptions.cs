using System.ComponentModel.DataAnnotations;

namespace MedicalPortal.Web.Fhir.Bulk;

/// <summary><c>Fhir</c> configuration of the Bulk Data export.</summary>
public sealed class BulkExportOptions
{
    public const string SectionName = "Fhir";

    /// <summary>
    /// How long the files of a finished export are kept for its requester, in hours (the manifest's <c>Expires</c>);
    /// then they are deleted. A study's release is anonymized, but a copy nobody fetches should not stay on the share.
    /// </summary>
    [Range(1, 720)]
    public int BulkExportHours { get; set; } = 24;
}

/// <summary>Registration of the Bulk Data export.</summary>
internal static class BulkExportServiceCollectionExtensions
{
    public static IServiceCollection AddFhirBulkExport(this IServiceCollection services)
    {
        services.AddOptions<BulkExportOptions>().BindConfiguration(BulkExportOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BulkExports>();
        return services.AddHostedService(sp => sp.GetRequiredService<BulkExports>());
    }
}
