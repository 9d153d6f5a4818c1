using MedicalPortal.Core.Accounts;
using Microsoft.AspNetCore.Identity;

namespace MedicalPortal.Data.Identity;

/// <summary>
/// Identity's check of every password it stores (account creation, a reset, the account pages' change and set): the
/// portal's <see cref="PasswordPolicy"/> for the account's own e-mail address and name, with the same message Core's
/// <see cref="AccountRules"/> gives where it validates first. It takes the place of Identity's own password validator,
/// whose messages differ.
/// </summary>
public sealed class PortalPasswordValidator : IPasswordValidator<ApplicationUser>
{
    public const string ErrorCode = "PasswordPolicy";

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Task.FromResult(PasswordPolicy.Problem(password, user.Email ?? user.UserName, user.DisplayName) is { } problem
            ? IdentityResult.Failed(new IdentityError { Code = ErrorCode, Description = problem })
            : IdentityResult.Success);
    }
}
