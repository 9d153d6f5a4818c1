using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Identity;

/// <summary>
/// Adds the display name, the linked patient record and whether two-factor sign-in is set up to the principal Identity
/// builds at sign-in (and again whenever it refreshes one).
/// </summary>
internal sealed class PortalClaimsPrincipalFactory(
    UserManager<ApplicationUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.DisplayName is { Length: > 0 } displayName)
        {
            identity.AddClaim(new Claim(PortalClaimTypes.DisplayName, displayName));
        }

        if (user.PatientId is { } patientId)
        {
            identity.AddClaim(new Claim(PortalClaimTypes.PatientId, patientId.ToString("D", CultureInfo.InvariantCulture)));
        }

        if (user.TwoFactorEnabled)
        {
            identity.AddClaim(new Claim(PortalClaimTypes.TwoFactorEnabled, "true"));
        }

        return identity;
    }
}
