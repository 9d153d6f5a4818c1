using MedicalPortal.Core.Visits;

namespace MedicalPortal.Web.Api.Visits;

/// <summary>The visit JSON a client sends (POST, PUT). <c>id</c> and <c>patientId</c> are taken from the route.</summary>
public sealed record VisitRequest(
    Guid? Id,
    Guid? PatientId,
    DateTimeOffset? StartedAt,
    VisitType? Type,
    string? Clinician,
    string? Reason,
    decimal? HeightCm,
    decimal? WeightKg,
    int? Systolic,
    int? Diastolic,
    int? HeartRate,
    decimal? TemperatureC,
    IReadOnlyList<string>? DiagnosisCodes,
    string? Notes,
    int? Version)
{
    public VisitInput ToInput() => new()
    {
        StartedAt = StartedAt,
        Type = Type,
        Clinician = Clinician,
        Reason = Reason,
        HeightCm = HeightCm,
        WeightKg = WeightKg,
        Systolic = Systolic,
        Diastolic = Diastolic,
        HeartRate = HeartRate,
        TemperatureC = TemperatureC,
        DiagnosisCodes = DiagnosisCodes,
        Notes = Notes,
    };
}
