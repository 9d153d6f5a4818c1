namespace MedicalPortal.Core.Audit;

/// <summary>
/// Records every sign-in attempt, successful or not, in the catalog's audit chain: who tried (the name given, and the
/// account it names if there is one), how it ended, and through which door. Never the password or a second-factor
/// code. <see cref="RecordAsync"/> returns once the entry is durable.
/// </summary>
public interface ISignInLog
{
    Task RecordAsync(SignInAttempt attempt, CancellationToken cancellationToken);
}

/// <param name="UserName">The e-mail or user name as the caller gave it (cut to the audit's column width).</param>
/// <param name="AccountId">The account that name belongs to, or null when it names none.</param>
/// <param name="Outcome">How the attempt ended.</param>
/// <param name="Channel">The door it came through, such as <see cref="SignInChannels.Api"/>.</param>
public sealed record SignInAttempt(string UserName, string? AccountId, SignInOutcome Outcome, string Channel);

/// <summary>How a sign-in attempt ended.</summary>
public enum SignInOutcome
{
    /// <summary>The caller got a session or tokens.</summary>
    Succeeded,

    /// <summary>No such account, or the wrong password or second-factor code.</summary>
    Failed,

    /// <summary>The account is locked (after too many failed attempts, or by an administrator).</summary>
    LockedOut,

    /// <summary>The account may not sign in (its e-mail is not confirmed, say).</summary>
    NotAllowed,

    /// <summary>The password was right, but the account uses two-factor sign-in and no code came with it.</summary>
    TwoFactorRequired,
}

/// <summary>The doors a sign-in comes through, as the audit entries name them.</summary>
public static class SignInChannels
{
    /// <summary><c>POST /api/v1/auth/login</c>.</summary>
    public const string Api = "api";

    /// <summary>The browser's sign-in page.</summary>
    public const string Browser = "browser";
}
