using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Visits;

namespace MedicalPortal.Core.Export;

/// <summary>
/// What the anonymizer may see of a consenting patient: nothing that identifies them beyond what it needs to
/// compute (names, street, city, phone, e-mail, MRN, notes and reasons never reach it).
/// </summary>
public sealed record ExportPatient(Guid PatientId, DateOnly BirthDate, Sex Sex, string? PostalCode, IReadOnlyList<ExportVisit> Visits);

/// <summary>The measurable part of a visit: no clinician, no reason, no notes.</summary>
public sealed record ExportVisit(
    DateTimeOffset StartedAt,
    VisitType Type,
    decimal? HeightCm,
    decimal? WeightKg,
    int? Systolic,
    int? Diastolic,
    int? HeartRate,
    decimal? TemperatureC,
    IReadOnlyList<string> DiagnosisCodes);

/// <summary>The quasi-identifiers k-anonymity is computed over: birth year (or 90+), sex, three-digit ZIP.</summary>
public readonly record struct QuasiIdentifiers(string BirthYear, string Sex, string Zip3);

/// <summary>One row of the research CSV, every value already in its exported text form (null = empty).</summary>
public sealed record ResearchRow(
    string ResearchId,
    string BirthYear,
    string Sex,
    string Zip3,
    string? VisitYear,
    string? VisitType,
    string? HeightCm,
    string? WeightKg,
    string? Systolic,
    string? Diastolic,
    string? HeartRate,
    string? TemperatureC,
    string? DiagnosisCodes);

/// <summary>
/// The diagnosis codes of all of a participant's visits, and of the participant only what k-anonymity needs (no
/// visits): what the pass that counts a release's codes reads.
/// </summary>
public sealed record ExportPatientCodes(ExportPatient Patient, IReadOnlyList<string> DiagnosisCodes);

/// <summary>
/// What an export did: rows written, patients exported, patients (and their rows) held back by k-anonymity, patients
/// whose birth year or area was coarsened, and the distinct diagnosis codes published as their category or left out.
/// </summary>
public sealed record ExportSummary(int Rows, int Patients, int SuppressedPatients, int GeneralizedPatients, int GeneralizedCodes, int SuppressedCodes);

/// <summary>
/// The numbers of an export before it is made: participants, patients generalized and held back, diagnosis codes
/// generalized and left out, each rounded (<see cref="PreviewCount"/>), and the k used.
/// </summary>
public sealed record ExportPreview(
    PreviewCount Participants,
    PreviewCount GeneralizedPatients,
    PreviewCount SuppressedPatients,
    PreviewCount GeneralizedCodes,
    PreviewCount SuppressedCodes,
    int K);

/// <summary>
/// A number as the export preview shows it: exact when it is zero or at least k, otherwise only "fewer than k". A
/// researcher watching the preview of a small study would otherwise see it move by one the moment one patient
/// consents or withdraws, and learn about that patient what the export itself never shows.
/// </summary>
public readonly record struct PreviewCount
{
    private PreviewCount(int? exact) => Exact = exact;

    /// <summary>The number, or null when it is between 1 and k - 1.</summary>
    public int? Exact { get; }

    /// <summary>Whether the number is between 1 and k - 1 and so not shown.</summary>
    public bool IsFewerThanK => Exact is null;

    public static PreviewCount Of(int count, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new PreviewCount(count > 0 && count < k ? null : count);
    }
}

/// <summary>
/// What an extraction published, for the next one to compare with: the date its quasi-identifiers were computed on
/// and the published form of every class (null: held back).
/// </summary>
public sealed record ExtractionBaseline(DateOnly PlannedOn, IReadOnlyDictionary<QuasiIdentifiers, QuasiIdentifiers?> Published);

/// <summary>An extraction's numbers and the baseline it leaves for the next one.</summary>
public sealed record ExtractionResult(ExportSummary Summary, ExtractionBaseline Baseline);
