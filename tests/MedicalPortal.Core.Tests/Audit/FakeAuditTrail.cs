using MedicalPortal.Core.Audit;

namespace MedicalPortal.Core.Tests.Audit;

/// <summary>Records what services tell the access log: the accesses of their reads and the exports.</summary>
internal sealed class FakeAuditTrail : IAccessLog
{
    public List<AccessRecord> Accesses { get; } = [];

    public List<(AuditActor Actor, Guid StudyId, ExportCounts Counts)> Exports { get; } = [];

    public Task RecordAsync(AccessRecord access, CancellationToken cancellationToken)
    {
        Accesses.Add(access);
        return Task.CompletedTask;
    }

    public Task RecordExportAsync(AuditActor actor, Guid studyId, ExportCounts counts, CancellationToken cancellationToken)
    {
        Exports.Add((actor, studyId, counts));
        return Task.CompletedTask;
    }
}
