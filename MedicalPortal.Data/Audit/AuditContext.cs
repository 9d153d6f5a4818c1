using MedicalPortal.Core.Audit;

namespace MedicalPortal.Data.Audit;

/// <summary>The actor of the operation in progress, carried with the async flow from the service down to SaveChanges.</summary>
internal sealed class AuditContext : IAuditContext
{
    private static readonly AsyncLocal<Scope?> CurrentScope = new();

    /// <summary>The innermost actor, or <see cref="AuditActor.System"/> when no operation named one.</summary>
    public static AuditActor Current => CurrentScope.Value?.Actor ?? AuditActor.System;

    public IDisposable Begin(AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var scope = new Scope(actor, CurrentScope.Value);
        CurrentScope.Value = scope;
        return scope;
    }

    private sealed class Scope(AuditActor actor, Scope? parent) : IDisposable
    {
        public AuditActor Actor { get; } = actor;

        public void Dispose() => CurrentScope.Value = parent;
    }
}
