using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Audit;

/// <summary>One entry of an audit chain, as the audit screens and the API show it.</summary>
public sealed record AuditEntryDto(
    string Database,
    long Sequence,
    DateTimeOffset Timestamp,
    string? ActorId,
    string ActorName,
    AuditAction Action,
    Resource Resource,
    string? ResourceId,
    Guid? PatientId,
    IReadOnlyList<AuditChange> Changes,
    IReadOnlyList<Guid> PatientIds,
    string? CorrelationId);

/// <summary>One property's value before and after a change (null where it did not exist).</summary>
public sealed record AuditChange(string Property, string? Old, string? New);
