using MedicalPortal.Data.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalPortal.Web.Authentication;

public static class AccountSecurityServiceCollectionExtensions
{
    /// <summary>
    /// The password policy on every path that stores a password (<see cref="PortalPasswordValidator"/> in place of
    /// Identity's own validator, before or after <c>AddIdentityCore</c>) and the two-factor requirement of
    /// <c>Security:RequireTwoFactorRoles</c> (<see cref="TwoFactorRequirement"/>).
    /// </summary>
    public static IServiceCollection AddPortalAccountSecurity(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Scoped<IPasswordValidator<ApplicationUser>, PortalPasswordValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, TwoFactorSetUpAuthorizationHandler>());
        services.Configure<AuthorizationOptions>(options => options.FallbackPolicy ??= TwoFactorSetUpAuthorizationHandler.FallbackPolicy);
        return services;
    }
}
