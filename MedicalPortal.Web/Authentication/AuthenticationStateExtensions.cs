using Microsoft.AspNetCore.Components.Authorization;

namespace MedicalPortal.Web.Authentication;

public static class AuthenticationStateExtensions
{
    /// <summary>The caller of a component, as Core's services want it.</summary>
    public static async Task<PrincipalUser> CurrentUserAsync(this Task<AuthenticationState> authenticationState)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        return PrincipalUser.From((await authenticationState).User);
    }
}
