namespace MedicalPortal.Core.Patients;

/// <summary>The MRN is already assigned to another patient (on any shard).</summary>
public sealed class MrnTakenException : Exception
{
    public MrnTakenException()
        : base("This MRN is already assigned to another patient.")
    {
    }

    public MrnTakenException(string message)
        : base(message)
    {
    }

    public MrnTakenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
