using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Records;

/// <summary>The record does not exist, or lies outside what the caller may see (the same answer on purpose).</summary>
public sealed class RecordNotFoundException : Exception
{
    public RecordNotFoundException()
        : this(Resource.Patient)
    {
    }

    public RecordNotFoundException(string message)
        : base(message)
    {
    }

    public RecordNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RecordNotFoundException(Resource resource)
        : base($"The {ResourceNames.Display(resource)} record was not found.")
    {
        Resource = resource;
    }

    public Resource Resource { get; }
}
