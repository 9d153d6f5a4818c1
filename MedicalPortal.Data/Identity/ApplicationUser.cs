using System.ComponentModel.DataAnnotations;
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

    /// <summary>
    /// The theme the person chose for the portal: <c>system</c>, <c>light</c> or <c>dark</c>; null until they choose
    /// (the browser's own choice then stands). Follows them from one computer to the next.
    /// </summary>
    [MaxLength(8)]
    public string? ColorScheme { get; set; }
}
