using Microsoft.AspNetCore.Identity;

namespace MedicalPortal.Data.Identity;

/// <summary>A staff or patient account in the catalog.</summary>
public sealed class ApplicationUser : IdentityUser
{
    /// <summary>Name shown in the portal and in audit entries, such as "Dr. Maya Chen".</summary>
    [PersonalData]
    public string? DisplayName { get; set; }

    /// <summary>For a patient's own account: the patient record it may see. Staff accounts have none.</summary>
    public Guid? PatientId { get; set; }
}
