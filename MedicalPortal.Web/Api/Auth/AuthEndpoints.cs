using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Data.Accounts;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Authentication;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Api.Auth;

/// <summary>
/// Bearer tokens for API clients. The answer is <c>{ tokenType, accessToken, expiresIn, refreshToken }</c>
/// (<see cref="ApiTokens"/>): a sign-in starts an API session that ends after <c>Security:SessionHours</c>, on
/// <c>POST /auth/logout</c>, or when one of its refresh tokens is used twice. The same lockout rules apply as in the browser.
/// </summary>
internal static class AuthEndpoints
{
    public static void MapAuthEndpoints(this IEndpointRouteBuilder api)
    {
        // Sign-in, refresh and registration may be refused by the sign-in throttling (429, with Retry-After) unread.
        var auth = api.MapGroup("/auth").WithTags("Authentication").AllowAnonymous();
        auth.MapPost("/login", LoginAsync).WithName("SignIn")
            .WithSummary("Exchanges e-mail and password for an access and a refresh token.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/refresh", RefreshAsync).WithName("RefreshTokens")
            .WithSummary("Exchanges a refresh token, once, for new tokens; a refresh token used twice ends its session.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/logout", LogoutAsync).WithName("SignOut")
            .WithSummary("Ends the API session of the refresh token sent (or of the access token used): all its tokens stop working.");
        auth.MapPost("/register", RegisterAsync).WithName("RegisterPatientAccount")
            .WithSummary("Self-registration of a patient: always the Patient role, linked to a new patient record.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Created<Registered>> RegisterAsync(
        RegistrationService registration, RegisterRequest body, CancellationToken cancellationToken)
    {
        var account = await registration.RegisterAsync(body.ToRegistration(), cancellationToken);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/patients/{account.PatientId}", new Registered(account.Id, account.PatientId!.Value));
    }

    private static async Task<Results<Ok<AccessTokenResponse>, ProblemHttpResult>> LoginAsync(
        LoginRequest login,
        SignInManager<ApplicationUser> signInManager,
        ISignInLog signIns,
        ApiSessionStore sessions,
        ApiTokens tokens,
        IOptions<SecurityOptions> security,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(login.Email) || string.IsNullOrEmpty(login.Password))
        {
            return TypedResults.Problem("E-mail and password are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        // Identity decides (password, lockout, two-factor code); ApiSignInHandler keeps the principal it signs in.
        signInManager.AuthenticationScheme = ApiSignInHandler.SchemeName;
        var user = await signInManager.UserManager.FindByNameAsync(login.Email);
        var result = await signInManager.PasswordSignInAsync(login.Email, login.Password, isPersistent: false, lockoutOnFailure: true);

        if (result.RequiresTwoFactor)
        {
            if (string.IsNullOrEmpty(login.TwoFactorCode))
            {
                // The right password without the code is an attempt too: recorded as such.
                await signIns.RecordSignInAsync(login.Email, user?.Id, result, SignInChannels.Api, cancellationToken);
                return TypedResults.Problem("This account uses two-factor sign-in: send twoFactorCode as well.",
                    statusCode: StatusCodes.Status401Unauthorized);
            }

            result = await signInManager.TwoFactorAuthenticatorSignInAsync(login.TwoFactorCode, isPersistent: false, rememberClient: false);
        }

        await signIns.RecordSignInAsync(login.Email, user?.Id, result, SignInChannels.Api, cancellationToken);

        if (result.IsLockedOut)
        {
            return TypedResults.Problem("The account is locked: after too many failed sign-ins for a while, or by the clinic until it unlocks it.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        if (!result.Succeeded || user is null || ApiSignInHandler.SignedIn(context) is not { } principal)
        {
            return TypedResults.Problem("Wrong e-mail or password.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var session = await sessions.StartAsync(
            user.Id, await signInManager.UserManager.GetSecurityStampAsync(user), TimeSpan.FromHours(security.Value.SessionHours), cancellationToken);
        return TypedResults.Ok(tokens.Issue(principal, session));
    }

    private static async Task<Results<Ok<AccessTokenResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest refresh,
        SignInManager<ApplicationUser> signInManager,
        ApiSessionStore sessions,
        ApiTokens tokens,
        CancellationToken cancellationToken)
    {
        // Unknown, already spent (which ends its session), or of a session that ended or is over: sign in again.
        if (await sessions.SpendAsync(refresh.RefreshToken, cancellationToken) is not { } session)
        {
            return NotValidAnyMore();
        }

        // A new password, a new role or an administrator's lock since the sign-in ends the session. The lockout after
        // failed sign-ins does not: anybody can cause it, and it only stops new sign-ins.
        var user = await signInManager.UserManager.FindByIdAsync(session.AccountId);
        if (user is null
            || !string.Equals(await signInManager.UserManager.GetSecurityStampAsync(user), session.SecurityStamp, StringComparison.Ordinal)
            || AccountLock.IsClosedByAdministrator(await signInManager.UserManager.GetLockoutEndDateAsync(user)))
        {
            await sessions.EndAsync(session.SessionId, ApiSessionEnd.Revoked, cancellationToken);
            return NotValidAnyMore();
        }

        var principal = await signInManager.CreateUserPrincipalAsync(user);
        return TypedResults.Ok(tokens.Issue(principal, await sessions.ContinueAsync(session, cancellationToken)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(
        LogoutRequest? logout, ApiSessionStore sessions, HttpContext context, CancellationToken cancellationToken)
    {
        // The session of the refresh token sent, or else of the access token the call carries; either ends it all.
        var session = await sessions.SessionOfAsync(logout?.RefreshToken, cancellationToken);
        if (session is null && (await context.AuthenticateAsync(IdentityConstants.BearerScheme)).Principal is { } principal)
        {
            session = ApiTokens.SessionOf(principal);
        }

        if (session is not { } id)
        {
            return TypedResults.Problem("Send the refresh token, or call with the access token, of the session to end.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        await sessions.EndAsync(id, ApiSessionEnd.SignedOut, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotValidAnyMore() =>
        TypedResults.Problem("The refresh token is not valid any more. Sign in again.", statusCode: StatusCodes.Status401Unauthorized);

    internal sealed record LoginRequest(string? Email = null, string? Password = null, string? TwoFactorCode = null);

    internal sealed record RefreshRequest(string? RefreshToken = null);

    internal sealed record LogoutRequest(string? RefreshToken = null);

    internal sealed record Registered(string AccountId, Guid PatientId);

    /// <summary><c>{ email, password, givenName, familyName, birthDate, sex }</c> plus any patient contact field.</summary>
    internal sealed record RegisterRequest(
        string? Email = null,
        string? Password = null,
        string? GivenName = null,
        string? FamilyName = null,
        DateOnly? BirthDate = null,
        Sex? Sex = null,
        string? Phone = null,
        string? AddressLine = null,
        string? City = null,
        string? State = null,
        string? PostalCode = null)
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
