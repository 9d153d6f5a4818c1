using MedicalPortal.Core.Patients;
using Hl7.Fhir.Model;
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
            Meta = new Meta { VersionId = patient.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
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
            BirthDate = patient.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
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

    /// <summary>An OperationOutcome with one issue: what every FHIR error answers with.</summary>
    public static OperationOutcome Outcome(OperationOutcome.IssueType code, string message, OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Error) =>
        new()
        {
            Issue = [new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = message }],
        };
}
