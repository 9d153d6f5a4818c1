using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Api.Audit;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Api.Auth;

/// <summary>
/// Bearer tokens for API clients. The answer is <c>{ tokenType, accessToken, expiresIn, refreshToken }</c>, written by
/// ASP.NET Core's bearer token handler; the same lockout rules apply as in the browser.
/// </summary>
internal static class AuthEndpoints
{
    public static void MapAuthEndpoints(this IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Authentication").AllowAnonymous();
        auth.MapPost("/login", LoginAsync).WithSummary("Exchanges e-mail and password for an access and a refresh token.");
        auth.MapPost("/refresh", RefreshAsync).WithSummary("Exchanges a refresh token for new tokens.");
        auth.MapPost("/register", RegisterAsync)
            .WithSummary("Self-registration of a patient: always the Patient role, linked to a new patient record.");
    }

    private static async Task<Created<Registered>> RegisterAsync(
        RegistrationService registration, RegisterRequest body, CancellationToken cancellationToken)
    {
        var account = await registration.RegisterAsync(body.ToRegistration(), cancellationToken);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/patients/{account.PatientId}", new Registered(account.Id, account.PatientId!.Value));
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> LoginAsync(
        LoginRequest login, SignInManager<ApplicationUser> signInManager, ISignInLog signIns, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(login.Email) || string.IsNullOrEmpty(login.Password))
        {
            return TypedResults.Problem("E-mail and password are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        signInManager.AuthenticationScheme = IdentityConstants.BearerScheme;
        var accountId = (await signInManager.UserManager.FindByNameAsync(login.Email))?.Id;
        var result = await signInManager.PasswordSignInAsync(login.Email, login.Password, isPersistent: false, lockoutOnFailure: true);

        if (result.RequiresTwoFactor)
        {
            if (string.IsNullOrEmpty(login.TwoFactorCode))
            {
                return TypedResults.Problem("This account uses two-factor sign-in: send twoFactorCode as well.",
                    statusCode: StatusCodes.Status401Unauthorized);
            }

            result = await signInManager.TwoFactorAuthenticatorSignInAsync(login.TwoFactorCode, isPersistent: false, rememberClient: false);
        }

        await signIns.RecordApiSignInAsync(login.Email, accountId, result, cancellationToken);

        if (result.IsLockedOut)
        {
            return TypedResults.Problem("The account is locked: after too many failed sign-ins for a while, or by the clinic until it unlocks it.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        // On success the bearer handler has already written the token response.
        return result.Succeeded
            ? TypedResults.Empty
            : TypedResults.Problem("Wrong e-mail or password.", statusCode: StatusCodes.Status401Unauthorized);
    }

    private static async Task<Results<SignInHttpResult, ProblemHttpResult>> RefreshAsync(
        RefreshRequest refresh,
        SignInManager<ApplicationUser> signInManager,
        IOptionsMonitor<BearerTokenOptions> bearerOptions,
        TimeProvider clock)
    {
        var protector = bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenProtector;
        var ticket = string.IsNullOrEmpty(refresh.RefreshToken) ? null : protector.Unprotect(refresh.RefreshToken);

        // Expired, tampered with, or issued before a password change or a lock: the user must sign in again.
        if (ticket?.Properties.ExpiresUtc is not { } expiresUtc
            || clock.GetUtcNow() >= expiresUtc
            || await signInManager.ValidateSecurityStampAsync(ticket.Principal) is not { } user
            || await signInManager.UserManager.IsLockedOutAsync(user))
        {
            return TypedResults.Problem("The refresh token is not valid any more. Sign in again.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        var principal = await signInManager.CreateUserPrincipalAsync(user);
        return TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
    }

    internal sealed record LoginRequest(string? Email, string? Password, string? TwoFactorCode);

    internal sealed record RefreshRequest(string? RefreshToken);

    internal sealed record Registered(string AccountId, Guid PatientId);

    /// <summary><c>{ email, password, givenName, familyName, birthDate, sex }</c> plus any patient contact field.</summary>
    internal sealed record RegisterRequest(
        string? Email,
        string? Password,
        string? GivenName,
        string? FamilyName,
        DateOnly? BirthDate,
        Sex? Sex,
        string? Phone,
        string? AddressLine,
        string? City,
        string? State,
        string? PostalCode)
    {
        public SelfRegistration ToRegistration() => new()
        {
            Email = Email,
            Password = Password,
            Patient = new PatientInput
            {
                GivenName = GivenName,
                FamilyName = FamilyName,
                BirthDate = BirthDate,
                Sex = Sex,
                Phone = Phone,
                AddressLine = AddressLine,
                City = City,
                State = State,
                PostalCode = PostalCode,
            },
        };
    }
}
