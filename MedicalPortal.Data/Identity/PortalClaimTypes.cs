namespace MedicalPortal.Data.Identity;

/// <summary>Claims the portal adds to a signed-in principal, for the cookie and for bearer tokens alike.</summary>
public static class PortalClaimTypes
{
    public const string PatientId = "medicalportal:patient_id";
    public const string DisplayName = "medicalportal:display_name";
}
