using MedicalPortal.Core.Patients;

namespace MedicalPortal.Web.Api.Patients;

/// <summary>
/// The patient JSON a client sends (POST, PUT). It has the shape of the patient it read: <c>id</c> is ignored,
/// <c>mrn</c> may be left out on POST (the server assigns one), and PUT must carry the <c>version</c> it read.
/// </summary>
public sealed record PatientRequest(
    Guid? Id = null,
    string? Mrn = null,
    string? GivenName = null,
    string? FamilyName = null,
    DateOnly? BirthDate = null,
    Sex? Sex = null,
    string? Phone = null,
    string? Email = null,
    string? AddressLine = null,
    string? City = null,
    string? State = null,
    string? PostalCode = null,
    int? Version = null)
{
    public PatientInput ToInput() => new()
    {
        Mrn = Mrn,
        GivenName = GivenName,
        FamilyName = FamilyName,
        BirthDate = BirthDate,
        Sex = Sex,
        Phone = Phone,
        Email = Email,
        AddressLine = AddressLine,
        City = City,
        State = State,
        PostalCode = PostalCode,
    };
}
