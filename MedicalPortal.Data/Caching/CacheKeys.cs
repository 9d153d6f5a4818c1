namespace MedicalPortal.Data.Caching;

/// <summary>The names of cached values: one place, so that writers and readers cannot disagree.</summary>
internal static class CacheKeys
{
    public const string Matrix = "matrix";

    public const string Studies = "studies";

    public static string Patient(Guid id) => $"patient:{id:N}";

    /// <summary>A patient's visits, newest first.</summary>
    public static string Visits(Guid patientId) => $"visits:{patientId:N}";

    public static string Study(Guid id) => $"study:{id:N}";

    public static string Account(string id) => $"account:{id}";

    /// <summary>Whether an API session still counts (<see cref="Identity.ApiSessionStore"/>).</summary>
    public static string ApiSession(Guid id) => $"api-session:{id:N}";
}
