using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Visits;

/// <summary>What a clinician submits to record or correct a visit. The rules decide what is required.</summary>
public sealed record VisitInput
{
    public DateTimeOffset? StartedAt { get; init; }

    public VisitType? Type { get; init; }

    public string? Clinician { get; init; }

    public string? Reason { get; init; }

    public decimal? HeightCm { get; init; }

    public decimal? WeightKg { get; init; }

    public int? Systolic { get; init; }

    public int? Diastolic { get; init; }

    public int? HeartRate { get; init; }

    public decimal? TemperatureC { get; init; }

    public IReadOnlyList<string>? DiagnosisCodes { get; init; }

    public string? Notes { get; init; }

    /// <summary>Trimmed, blanks as null, ICD-10 codes upper-cased with their dot, duplicates and blanks dropped.</summary>
    public VisitInput Cleaned() => this with
    {
        StartedAt = StartedAt?.ToUniversalTime(),
        Clinician = FieldRules.Clean(Clinician),
        Reason = FieldRules.Clean(Reason),
        Notes = FieldRules.Clean(Notes),
        DiagnosisCodes = (DiagnosisCodes ?? [])
            .Select(FieldRules.Clean)
            .OfType<string>()
            .Select(Icd10.Normalize)
            .Distinct(StringComparer.Ordinal)
            .ToArray(),
    };
}
