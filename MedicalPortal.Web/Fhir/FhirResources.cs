using System.Globalization;
using Hl7.Fhir.Model;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using CorePatient = MedicalPortal.Core.Patients.PatientDto;
using FhirPatient = Hl7.Fhir.Model.Patient;

namespace MedicalPortal.Web.Fhir;

/// <summary>
/// The portal's records as HL7 FHIR R4 resources. It maps, and decides nothing: what a caller may read, and the record
/// of that reading, were decided by the Core service that returned the record.
/// </summary>
internal static class FhirResources
{
    /// <summary>The identifier system of the clinic's medical record numbers.</summary>
    public const string MrnSystem = "urn:medicalportal:mrn";

    public static FhirPatient Patient(CorePatient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var resource = new FhirPatient
        {
            Id = patient.Id.ToString("D"),
            Meta = new Meta { VersionId = patient.Version.ToString(CultureInfo.InvariantCulture) },
            Identifier =
            [
                new Identifier(MrnSystem, patient.Mrn)
                {
                    Use = Identifier.IdentifierUse.Usual,
                    Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number"),
                },
            ],
            Active = true,
            Name = [new HumanName { Use = HumanName.NameUse.Official, Family = patient.FamilyName, Given = [patient.GivenName] }],
            Gender = patient.Sex switch
            {
                Sex.Female => AdministrativeGender.Female,
                Sex.Male => AdministrativeGender.Male,
                Sex.Other => AdministrativeGender.Other,
                _ => AdministrativeGender.Unknown,
            },
            BirthDate = patient.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };

        if (patient.Phone is { } phone)
        {
            resource.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Home, phone));
        }

        if (patient.Email is { } email)
        {
            resource.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, email));
        }

        if (patient.AddressLine is not null || patient.City is not null || patient.State is not null || patient.PostalCode is not null)
        {
            resource.Address.Add(new Address
            {
                Use = Address.AddressUse.Home,
                Line = patient.AddressLine is { } line ? [line] : [],
                City = patient.City,
                State = patient.State,
                PostalCode = patient.PostalCode,
            });
        }

        return resource;
    }

    public const string Loinc = "http://loinc.org";

    public const string Ucum = "http://unitsofmeasure.org";

    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10";

    /// <summary>The identifier system of the portal's medical studies (a Consent names the study it is to).</summary>
    public const string StudySystem = "urn:medicalportal:study";

    /// <summary>A visit as the Encounter it was: finished, its class from its type, its clinician, its reason.</summary>
    public static Encounter Encounter(VisitDto visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var encounter = new Encounter
        {
            Id = visit.Id.ToString("D"),
            Meta = new Meta { VersionId = visit.Version.ToString(CultureInfo.InvariantCulture) },
            Status = Hl7.Fhir.Model.Encounter.EncounterStatus.Finished,
            Class = EncounterClass(visit.Type),
            Type = [new CodeableConcept { Text = VisitTypeName(visit.Type) }],
            Subject = PatientReference(visit.PatientId),
            Period = new Period { StartElement = new FhirDateTime(visit.StartedAt) },
            Participant = [new Encounter.ParticipantComponent { Individual = new ResourceReference { Display = visit.Clinician } }],
        };
        if (visit.Reason is { } reason)
        {
            encounter.ReasonCode.Add(new CodeableConcept { Text = reason });
        }

        return encounter;
    }

    /// <summary>The vital signs a visit recorded, each an Observation coded in LOINC with its UCUM unit.</summary>
    public static IEnumerable<Observation> Observations(VisitDto visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        return Observations(
            visit.Id.ToString("D"),
            PatientReference(visit.PatientId),
            new FhirDateTime(visit.StartedAt),
            new VitalSigns(visit.HeightCm, visit.WeightKg, visit.Systolic, visit.Diastolic, visit.HeartRate, visit.TemperatureC));
    }

    /// <summary>
    /// The vital signs of the Encounter <paramref name="encounterId"/> of <paramref name="subject"/>, each an Observation
    /// coded in LOINC with its UCUM unit (blood pressure as the panel with its two components), named after the Encounter.
    /// </summary>
    public static IEnumerable<Observation> Observations(string encounterId, ResourceReference subject, FhirDateTime effective, VitalSigns vitals)
    {
        ArgumentNullException.ThrowIfNull(vitals);
        Observation Vital(string key, string loinc, string display, Quantity? value) => new()
        {
            Id = $"{encounterId}-{key}",
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")],
            Code = new CodeableConcept(Loinc, loinc, display),
            Subject = subject,
            Encounter = new ResourceReference($"Encounter/{encounterId}"),
            Effective = effective,
            Value = value,
        };

        if (vitals.HeightCm is { } height)
        {
            yield return Vital("height", "8302-2", "Body height", Quantity(height, "cm", "cm"));
        }

        if (vitals.WeightKg is { } weight)
        {
            yield return Vital("weight", "29463-7", "Body weight", Quantity(weight, "kg", "kg"));
        }

        if (vitals.Systolic is { } systolic && vitals.Diastolic is { } diastolic)
        {
            var pressure = Vital("blood-pressure", "85354-9", "Blood pressure panel with all children optional", value: null);
            pressure.Component.Add(new Observation.ComponentComponent
            {
                Code = new CodeableConcept(Loinc, "8480-6", "Systolic blood pressure"),
                Value = Quantity(systolic, "mmHg", "mm[Hg]"),
            });
            pressure.Component.Add(new Observation.ComponentComponent
            {
                Code = new CodeableConcept(Loinc, "8462-4", "Diastolic blood pressure"),
                Value = Quantity(diastolic, "mmHg", "mm[Hg]"),
            });
            yield return pressure;
        }

        if (vitals.HeartRate is { } rate)
        {
            yield return Vital("heart-rate", "8867-4", "Heart rate", Quantity(rate, "beats/minute", "/min"));
        }

        if (vitals.TemperatureC is { } temperature)
        {
            yield return Vital("temperature", "8310-5", "Body temperature", Quantity(temperature, "C", "Cel"));
        }
    }

    /// <summary>The LOINC codes an Observation answers to: its own and its components'.</summary>
    public static IEnumerable<string> CodesOf(Observation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        return observation.Code.Coding.Concat(observation.Component.SelectMany(c => c.Code.Coding)).Select(c => c.Code).OfType<string>();
    }

    /// <summary>The ICD-10 codes a visit recorded, each an encounter-diagnosis Condition.</summary>
    public static IEnumerable<Condition> Conditions(VisitDto visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        return Conditions(visit.Id.ToString("D"), PatientReference(visit.PatientId), new FhirDateTime(visit.StartedAt), visit.DiagnosisCodes);
    }

    /// <summary>
    /// The ICD-10 <paramref name="codes"/> of the Encounter <paramref name="encounterId"/> of <paramref name="subject"/>,
    /// each an encounter-diagnosis Condition named after the Encounter.
    /// </summary>
    public static IEnumerable<Condition> Conditions(string encounterId, ResourceReference subject, FhirDateTime recorded, IEnumerable<string> codes) =>
        codes.Select((code, index) => new Condition
        {
            Id = $"{encounterId}-dx{index + 1}",
            VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed"),
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis")],
            Code = new CodeableConcept(Icd10, code),
            Subject = subject,
            Encounter = new ResourceReference($"Encounter/{encounterId}"),
            RecordedDateElement = recorded,
        });

    /// <summary>A consent to a research study (named by its identifier): active until withdrawn, then inactive, its period saying when.</summary>
    public static Consent Consent(EnrollmentDto enrollment)
    {
        ArgumentNullException.ThrowIfNull(enrollment);
        return new Consent
        {
            Id = enrollment.Id.ToString("D"),
            Meta = new Meta { VersionId = enrollment.Version.ToString(CultureInfo.InvariantCulture) },
            Identifier = [new Identifier(StudySystem, enrollment.StudyId.ToString("D")) { Use = Identifier.IdentifierUse.Secondary }],
            Status = enrollment.WithdrawnAt is null ? Hl7.Fhir.Model.Consent.ConsentState.Active : Hl7.Fhir.Model.Consent.ConsentState.Inactive,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "research", "Research"),
            Category = [new CodeableConcept(Loinc, "59284-0", "Consent Document") { Text = "Consent to a research study" }],
            Patient = PatientReference(enrollment.PatientId),
            DateTimeElement = new FhirDateTime(enrollment.ConsentedAt),
            PolicyRule = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", "opt-in"),
            Provision = new Consent.provisionComponent
            {
                Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit,
                Period = new Period
                {
                    StartElement = new FhirDateTime(enrollment.ConsentedAt),
                    EndElement = enrollment.WithdrawnAt is { } withdrawn ? new FhirDateTime(withdrawn) : null,
                },
            },
        };
    }

    /// <summary>What a visit measured, whichever way the visit and its patient are named.</summary>
    public sealed record VitalSigns(decimal? HeightCm, decimal? WeightKg, int? Systolic, int? Diastolic, int? HeartRate, decimal? TemperatureC);

    public static ResourceReference PatientReference(Guid patientId) => new($"Patient/{patientId:D}");

    private static Quantity Quantity(decimal value, string unit, string code) =>
        new() { Value = value, Unit = unit, System = Ucum, Code = code };

    /// <summary>The Encounter class of a visit type: emergency, virtual, or ambulatory.</summary>
    public static Coding EncounterClass(VisitType type) => type switch
    {
        VisitType.Emergency => new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "EMER", "emergency"),
        VisitType.Telehealth => new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "VR", "virtual"),
        _ => new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"),
    };

    public static string VisitTypeName(VisitType type) => type switch
    {
        VisitType.Checkup => "Checkup",
        VisitType.FollowUp => "Follow-up",
        VisitType.Emergency => "Emergency",
        VisitType.Telehealth => "Telehealth",
        _ => "Procedure",
    };

    /// <summary>An OperationOutcome with one issue: what every FHIR error answers with.</summary>
    public static OperationOutcome Outcome(OperationOutcome.IssueType code, string message, OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Error) =>
        new()
        {
            Issue = [new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = message }],
        };
}
