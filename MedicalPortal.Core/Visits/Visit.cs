using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;

namespace MedicalPortal.Core.Visits;

/// <summary>One encounter of a patient with the clinic. Lives on its patient's shard; its id carries that bucket.</summary>
public sealed class Visit : IVersionedRecord
{
    private Visit()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The patient's bucket, which the id also carries: stored so a shard can select a range of buckets.</summary>
    public int Bucket { get; private set; }

    public Guid PatientId { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public VisitType Type { get; private set; }

    public string Clinician { get; private set; } = "";

    public string? Reason { get; private set; }

    public decimal? HeightCm { get; private set; }

    public decimal? WeightKg { get; private set; }

    public int? Systolic { get; private set; }

    public int? Diastolic { get; private set; }

    public int? HeartRate { get; private set; }

    public decimal? TemperatureC { get; private set; }

    public IReadOnlyList<string> DiagnosisCodes { get; private set; } = [];

    public string? Notes { get; private set; }

    public int Version { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static Visit Record(Guid patientId, DateOnly patientBirthDate, VisitInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cleaned = input.Cleaned();
        VisitRules.Validate(cleaned, now, patientBirthDate).ThrowIfInvalid();

        var bucket = Buckets.ForPatient(patientId);
        var visit = new Visit
        {
            Id = Buckets.NewRecordId(bucket, now),
            Bucket = bucket,
            PatientId = patientId,
            Version = 1,
            CreatedAt = now,
        };
        visit.Apply(cleaned, now);
        return visit;
    }

    public void Update(DateOnly patientBirthDate, VisitInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cleaned = input.Cleaned();
        VisitRules.Validate(cleaned, now, patientBirthDate).ThrowIfInvalid();
        Apply(cleaned, now);
        Version++;
    }

    public VisitDto ToDto() => new(
        Id, PatientId, StartedAt, Type, Clinician, Reason, HeightCm, WeightKg, Systolic, Diastolic, HeartRate,
        TemperatureC, DiagnosisCodes, Notes, Version);

    private void Apply(VisitInput cleaned, DateTimeOffset now)
    {
        StartedAt = cleaned.StartedAt!.Value;
        Type = cleaned.Type!.Value;
        Clinician = cleaned.Clinician!;
        Reason = cleaned.Reason;
        HeightCm = cleaned.HeightCm;
        WeightKg = cleaned.WeightKg;
        Systolic = cleaned.Systolic;
        Diastolic = cleaned.Diastolic;
        HeartRate = cleaned.HeartRate;
        TemperatureC = cleaned.TemperatureC;
        DiagnosisCodes = [.. cleaned.DiagnosisCodes ?? []];
        Notes = cleaned.Notes;
        UpdatedAt = now;
    }
}
