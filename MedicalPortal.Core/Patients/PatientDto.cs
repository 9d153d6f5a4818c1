namespace MedicalPortal.Core.Patients;

/// <summary>A patient as services return it and the API serializes it (ARCHITECTURE.md section 12). Safe to cache.</summary>
public sealed record PatientDto(
    Guid Id,
    string Mrn,
    string GivenName,
    string FamilyName,
    DateOnly BirthDate,
    Sex Sex,
    string? Phone,
    string? Email,
    string? AddressLine,
    string? City,
    string? State,
    string? PostalCode,
    int Version);
