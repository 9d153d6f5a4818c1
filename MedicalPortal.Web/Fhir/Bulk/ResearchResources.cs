using System.Globalization;
using Hl7.Fhir.Model;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Visits;
using FhirPatient = Hl7.Fhir.Model.Patient;

namespace MedicalPortal.Web.Fhir.Bulk;

/// <summary>
/// The rows of a study's anonymized release (<see cref="ResearchRow"/>, the CSV's rows) as FHIR R4 resources. Only what
/// the row holds is written: the research id names the Patient and, with the visit's place among the patient's visits,
/// every resource of a visit; the birth year, sex and ZIP3 as published; the visit's year (or shifted date), type,
/// vital signs and diagnosis codes. Nothing else of the patient reaches this code, so nothing else can leave.
/// </summary>
internal static class ResearchResources
{
    /// <summary>The birth year as the release publishes it: a year, a decade ("1970-1979") or "90+".</summary>
    public const string BirthYearExtension = "urn:medicalportal:fhir:research-birth-year";

    /// <summary>The first three digits of the ZIP code as the release publishes it ("000": withheld).</summary>
    public const string Zip3Extension = "urn:medicalportal:fhir:research-zip3";

    /// <summary>HL7's confidentiality label for anonymized information, on every resource of the release.</summary>
    public static Coding Anonymized { get; } = new("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "ANONYED", "anonymized");

    /// <summary>The identifier system of a study's research ids (each study's differ).</summary>
    public static string ResearchIdSystem(Guid studyId) => $"urn:medicalportal:research-id:{studyId:D}";

    public static FhirPatient Patient(Guid studyId, ResearchRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var patient = new FhirPatient
        {
            Id = row.ResearchId,
            Meta = Labelled(),
            Identifier = [new Identifier(ResearchIdSystem(studyId), row.ResearchId) { Use = Identifier.IdentifierUse.Secondary }],
            Gender = row.Sex switch
            {
                "female" => AdministrativeGender.Female,
                "male" => AdministrativeGender.Male,
                "other" => AdministrativeGender.Other,
                _ => AdministrativeGender.Unknown,
            },

            // A plain year is a FHIR date; a decade or "90+" is not, and is only in the extension.
            BirthDate = row.BirthYear.Length == 4 && row.BirthYear.All(char.IsAsciiDigit) ? row.BirthYear : null,
        };
        patient.Extension.Add(new Extension(BirthYearExtension, new FhirString(row.BirthYear)));
        patient.Extension.Add(new Extension(Zip3Extension, new FhirString(row.Zip3)));
        return patient;
    }

    /// <summary>The resources of the row's visit, the <paramref name="ordinal"/>th of its patient's (from 1); none without one.</summary>
    public static IEnumerable<Resource> Visit(ResearchRow row, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.VisitYear is not { } when)
        {
            yield break;
        }

        var encounterId = $"{row.ResearchId}-{ordinal.ToString(CultureInfo.InvariantCulture)}";
        var subject = new ResourceReference($"Patient/{row.ResearchId}");
        var type = VisitTypeOf(row.VisitType);
        yield return new Encounter
        {
            Id = encounterId,
            Meta = Labelled(),
            Status = Encounter.EncounterStatus.Finished,
            Class = FhirResources.EncounterClass(type),
            Type = [new CodeableConcept { Text = FhirResources.VisitTypeName(type) }],
            Subject = subject,
            Period = new Period { Start = when },
        };

        var vitals = new FhirResources.VitalSigns(
            Decimal(row.HeightCm), Decimal(row.WeightKg), Integer(row.Systolic), Integer(row.Diastolic), Integer(row.HeartRate), Decimal(row.TemperatureC));
        foreach (var observation in FhirResources.Observations(encounterId, subject, new FhirDateTime(when), vitals))
        {
            observation.Meta = Labelled();
            yield return observation;
        }

        var codes = (row.DiagnosisCodes ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
        foreach (var condition in FhirResources.Conditions(encounterId, subject, new FhirDateTime(when), codes))
        {
            condition.Meta = Labelled();
            yield return condition;
        }
    }

    private static Meta Labelled() => new() { Security = [Anonymized] };

    // The release's spellings of the visit types (Anonymizer.VisitTypeOf), read back: one mapping, so a new type is
    // known here as soon as the release writes it.
    private static readonly Dictionary<string, VisitType> VisitTypes =
        Enum.GetValues<VisitType>().ToDictionary(Anonymizer.VisitTypeOf, StringComparer.Ordinal);

    private static VisitType VisitTypeOf(string? text) =>
        text is not null && VisitTypes.TryGetValue(text, out var type)
            ? type
            : throw new InvalidOperationException($"The release has a visit type this mapping does not know: {text}.");

    private static decimal? Decimal(string? text) => text is null ? null : decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);

    private static int? Integer(string? text) => text is null ? null : int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
