namespace MedicalPortal.Core.Audit;

/// <summary>What happened to the record: written, looked at, or an attempt to sign in to an account.</summary>
public enum AuditAction
{
    Create,
    Update,
    Delete,
    Read,
    Export,

    /// <summary>A sign-in that gave the caller a session or a token (<see cref="ISignInLog"/>).</summary>
    SignIn,

    /// <summary>A sign-in refused: wrong credentials, a locked account, a second factor missing or wrong.</summary>
    SignInFailed,
}
