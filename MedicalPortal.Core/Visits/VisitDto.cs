namespace MedicalPortal.Core.Visits;

/// <summary>A visit as services return it and the API serializes it (ARCHITECTURE.md section 12). Safe to cache.</summary>
public sealed record VisitDto(
    Guid Id,
    Guid PatientId,
    DateTimeOffset StartedAt,
    VisitType Type,
    string Clinician,
    string? Reason,
    decimal? HeightCm,
    decimal? WeightKg,
    int? Systolic,
    int? Diastolic,
    int? HeartRate,
    decimal? TemperatureC,
    IReadOnlyList<string> DiagnosisCodes,
    string? Notes,
    int Version);
