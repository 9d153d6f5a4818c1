using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Records;

/// <summary>An update or delete named a version that is no longer current: someone else changed the record first.</summary>
public sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException()
        : this(Resource.Patient, currentVersion: null)
    {
    }

    public ConcurrencyConflictException(string message)
        : base(message)
    {
    }

    public ConcurrencyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConcurrencyConflictException(Resource resource, int? currentVersion)
        : base($"This {ResourceNames.Display(resource)} record was changed by someone else"
               + (currentVersion is null ? "" : $" (it is now at version {currentVersion})")
               + ". Reload it to see the latest values, then make your change again.")
    {
        Resource = resource;
        CurrentVersion = currentVersion;
    }

    public Resource Resource { get; }

    public int? CurrentVersion { get; }
}
