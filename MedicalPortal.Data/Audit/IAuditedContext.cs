using MedicalPortal.Core.Audit;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// A context whose saves are audited names who is acting. Whoever opens a context to write sets it (the write path, the
/// account and role directories, seeding, the start-up); the audit interceptor records it on every entry of the save,
/// and refuses a save of audited changes that names nobody. Nothing is read from the async flow.
/// </summary>
internal interface IAuditedContext
{
    AuditActor? Actor { get; set; }
}
