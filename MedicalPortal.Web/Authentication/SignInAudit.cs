using MedicalPortal.Core.Audit;
using Microsoft.AspNetCore.Identity;

namespace MedicalPortal.Web.Authentication;

/// <summary>Identity's answer to a sign-in, as the audit trail records it (<see cref="ISignInLog"/>).</summary>
internal static class SignInAudit
{
    /// <summary>
    /// Records a sign-in attempt through <paramref name="channel"/> (<see cref="SignInChannels"/>) that ended with
    /// <paramref name="result"/>: the name given and the account it names (null when none), never the password or a
    /// code. Returns once the entry is durable.
    /// </summary>
    public static Task RecordSignInAsync(
        this ISignInLog log, string userName, string? accountId, SignInResult result, string channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(result);
        return log.RecordAsync(new SignInAttempt(userName, accountId, OutcomeOf(result), channel), cancellationToken);
    }

    private static SignInOutcome OutcomeOf(SignInResult result) => result switch
    {
        { Succeeded: true } => SignInOutcome.Succeeded,
        { IsLockedOut: true } => SignInOutcome.LockedOut,
        { IsNotAllowed: true } => SignInOutcome.NotAllowed,
        { RequiresTwoFactor: true } => SignInOutcome.TwoFactorRequired,
        _ => SignInOutcome.Failed,
    };
}
