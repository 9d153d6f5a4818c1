using System.Security.Claims;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Data.Identity;

namespace MedicalPortal.Web.Authentication;

/// <summary>The caller as Core sees it, read from the signed-in principal (cookie or bearer token).</summary>
public sealed class PrincipalUser : ICurrentUser
{
    private PrincipalUser(ClaimsPrincipal principal)
    {
        IsAuthenticated = principal.Identity?.IsAuthenticated == true;
        if (!IsAuthenticated)
        {
            Roles = [];
            return;
        }

        AccountId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        UserName = principal.FindFirstValue(ClaimTypes.Name);
        DisplayName = principal.FindFirstValue(PortalClaimTypes.DisplayName) ?? UserName;
        Roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray();
        PatientId = Guid.TryParse(principal.FindFirstValue(PortalClaimTypes.PatientId), out var patientId) ? patientId : null;
    }

    public bool IsAuthenticated { get; }

    public string? AccountId { get; }

    public string? UserName { get; }

    /// <summary>The name to show on screen and to suggest as a visit's clinician.</summary>
    public string? DisplayName { get; }

    public IReadOnlyCollection<string> Roles { get; }

    public Guid? PatientId { get; }

    public static PrincipalUser From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new PrincipalUser(principal);
    }
}
