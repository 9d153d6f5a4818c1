using MedicalPortal.Core.Audit;

namespace MedicalPortal.Core.Tests.Audit;

/// <summary>Records what services tell the audit trail: the actors of their writes and the accesses of their reads.</summary>
internal sealed class FakeAuditTrail : IAuditContext, IAccessLog
{
    public List<AuditActor> Actors { get; } = [];

    public List<AccessRecord> Accesses { get; } = [];

    public List<(AuditActor Actor, Guid StudyId, int Rows)> Exports { get; } = [];

    public AuditActor? Current { get; private set; }

    public IDisposable Begin(AuditActor actor)
    {
        Actors.Add(actor);
        var outer = Current;
        Current = actor;
        return new Scope(() => Current = outer);
    }

    public Task RecordAsync(AccessRecord access, CancellationToken cancellationToken)
    {
        Accesses.Add(access);
        return Task.CompletedTask;
    }

    public Task RecordExportAsync(AuditActor actor, Guid studyId, int rows, int suppressedPatients, CancellationToken cancellationToken)
    {
        Exports.Add((actor, studyId, rows));
        return Task.CompletedTask;
    }

    private sealed class Scope(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}
