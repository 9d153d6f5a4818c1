namespace MedicalPortal.Data.Identity;

/// <summary>Claims the portal adds to a signed-in principal, for the cookie and for bearer tokens alike.</summary>
public static class PortalClaimTypes
{
    public const string PatientId = "medicalportal:patient_id";
    public const string DisplayName = "medicalportal:display_name";

    /// <summary>
    /// <c>true</c> when the account had two-factor sign-in set up as the principal was made. Setting it up or turning it
    /// off renews the security stamp, so a principal that passes the stamp check still tells the truth.
    /// </summary>
    public const string TwoFactorEnabled = "medicalportal:two_factor_enabled";

    /// <summary>The API session an access token belongs to (<see cref="ApiSessionStore"/>); bearer tokens only.</summary>
    public const string Session = "medicalportal:session";
}
