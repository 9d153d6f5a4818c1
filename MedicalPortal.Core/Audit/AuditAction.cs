namespace MedicalPortal.Core.Audit;

/// <summary>What happened to the record: written, or looked at.</summary>
public enum AuditAction
{
    Create,
    Update,
    Delete,
    Read,
    Export,
}
