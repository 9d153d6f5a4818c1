namespace MedicalPortal.Data;

/// <summary>The names of the meters the data layer reports on, for the host to export.</summary>
public static class PortalMeters
{
    /// <summary>Cache hits (by layer), misses and errors.</summary>
    public const string Cache = Caching.CacheMetrics.MeterName;
}
