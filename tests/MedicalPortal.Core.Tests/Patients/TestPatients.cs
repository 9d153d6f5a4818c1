using MedicalPortal.Core.Patients;

namespace MedicalPortal.Core.Tests.Patients;

/// <summary>Obviously made-up registration data that passes every rule.</summary>
internal static class TestPatients
{
    public static readonly DateTimeOffset Now = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    public static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    public static PatientInput ValidInput() => new()
    {
        GivenName = "Testgiven",
        FamilyName = "Testfamily",
        BirthDate = new DateOnly(1980, 1, 2),
        Sex = Sex.Unknown,
        Phone = "+1 555 010 2030",
        Email = "someone@example.test",
        AddressLine = "1 Test Street",
        City = "Testville",
        State = "MA",
        PostalCode = "02139",
    };

    public static Patient Registered(string mrn = "M1234567897", PatientInput? input = null) =>
        Patient.Register(Guid.CreateVersion7(Now), mrn, input ?? ValidInput(), Now);
}
