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

/// <summary>What an export did: rows written, patients exported, patients (and their rows) held back by k-anonymity.</summary>
public sealed record ExportSummary(int Rows, int Patients, int SuppressedPatients, int GeneralizedPatients);

/// <summary>The numbers of an export before it is made: participants, generalized and held back, and the k used.</summary>
public sealed record ExportPreview(int Participants, int GeneralizedPatients, int SuppressedPatients, int K);

/// <summary>
/// What an extraction published, for the next one to compare with: the date its quasi-identifiers were computed on
/// and the published form of every class (null: held back).
/// </summary>
public sealed record ExtractionBaseline(DateOnly PlannedOn, IReadOnlyDictionary<QuasiIdentifiers, QuasiIdentifiers?> Published);

/// <summary>An extraction's numbers and the baseline it leaves for the next one.</summary>
public sealed record ExtractionResult(ExportSummary Summary, ExtractionBaseline Baseline);
