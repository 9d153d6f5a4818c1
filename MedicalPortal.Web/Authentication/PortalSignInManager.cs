using MedicalPortal.Data.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Authentication;

/// <summary>
/// Identity's sign-in manager, except that a sign-in with an e-mail no account has costs what a wrong password costs:
/// the password is checked against a stand-in hash, so the time of the answer does not tell whether an account exists
/// (ASVS V6: "wrong e-mail or password" took about 170 ms for a real account and 8 ms for an unknown one). The answer
/// itself was already the same.
/// </summary>
public sealed class PortalSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private static readonly Lazy<string> StandInHash = new(() =>
        new PasswordHasher<ApplicationUser>().HashPassword(new ApplicationUser(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is not null)
        {
            return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        }

        // The same work as a wrong password: one verification of a hash of the same kind and cost.
        UserManager.PasswordHasher.VerifyHashedPassword(new ApplicationUser(), StandInHash.Value, password ?? "");
        return SignInResult.Failed;
    }
}
