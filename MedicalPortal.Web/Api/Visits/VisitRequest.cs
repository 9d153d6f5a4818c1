using MedicalPortal.Core.Visits;

namespace MedicalPortal.Web.Api.Visits;

/// <summary>The visit JSON a client sends (POST, PUT). <c>id</c> and <c>patientId</c> are taken from the route.</summary>
public sealed record VisitRequest(
    Guid? Id = null,
    Guid? PatientId = null,
    DateTimeOffset? StartedAt = null,
    VisitType? Type = null,
    string? Clinician = null,
    string? Reason = null,
    decimal? HeightCm = null,
    decimal? WeightKg = null,
    int? Systolic = null,
    int? Diastolic = null,
    int? HeartRate = null,
    decimal? TemperatureC = null,
    IReadOnlyList<string>? DiagnosisCodes = null,
    string? Notes = null,
    int? Version = null)
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
