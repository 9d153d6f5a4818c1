namespace MedicalPortal.Core.Audit;

/// <summary>
/// Tells the audit trail who is acting, for the duration of one operation. Services call <see cref="Begin"/> before
/// they write; every change saved while the returned scope is open is attributed to that actor. Scopes nest; the
/// innermost wins.
/// </summary>
public interface IAuditContext
{
    IDisposable Begin(AuditActor actor);
}
