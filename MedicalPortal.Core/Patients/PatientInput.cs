using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Patients;

/// <summary>What a user submits to register or update a patient. Everything is optional here; the rules decide.</summary>
public sealed record PatientInput
{
    /// <summary>Medical record number. Left empty on registration, the server assigns one; it never changes afterwards.</summary>
    public string? Mrn { get; init; }

    public string? GivenName { get; init; }

    public string? FamilyName { get; init; }

    public DateOnly? BirthDate { get; init; }

    public Sex? Sex { get; init; }

    public string? Phone { get; init; }

    public string? Email { get; init; }

    public string? AddressLine { get; init; }

    public string? City { get; init; }

    public string? State { get; init; }

    public string? PostalCode { get; init; }

    /// <summary>Trimmed, blanks as null, codes upper-cased: the form the rules check and the store keeps.</summary>
    public PatientInput Cleaned() => this with
    {
        Mrn = FieldRules.Clean(Mrn)?.ToUpperInvariant(),
        GivenName = FieldRules.Clean(GivenName),
        FamilyName = FieldRules.Clean(FamilyName),
        Phone = FieldRules.Clean(Phone),
        Email = FieldRules.Clean(Email),
        AddressLine = FieldRules.Clean(AddressLine),
        City = FieldRules.Clean(City),
        State = FieldRules.Clean(State)?.ToUpperInvariant(),
        PostalCode = FieldRules.Clean(PostalCode),
    };
}
