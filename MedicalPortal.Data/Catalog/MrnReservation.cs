namespace MedicalPortal.Data.Catalog;

/// <summary>
/// MRNs are unique across all shards because each one is first reserved here, in the single catalog, under a
/// unique key. A reservation outlives its patient: MRNs are never reused.
/// </summary>
internal sealed class MrnReservation
{
    public string Mrn { get; set; } = "";

    public Guid PatientId { get; set; }

    public DateTimeOffset ReservedAt { get; set; }
}
