using MedicalPortal.Core.Patients;

namespace MedicalPortal.Core.Accounts;

/// <summary>What a patient submits to register themselves: an account and their registration data.</summary>
public sealed record SelfRegistration
{
    public string? Email { get; init; }

    public string? Password { get; init; }

    /// <summary>Names, birth date, sex and any contact details. The MRN is always assigned by the clinic's server.</summary>
    public PatientInput Patient { get; init; } = new();
}
