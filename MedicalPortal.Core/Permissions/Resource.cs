namespace MedicalPortal.Core.Permissions;

/// <summary>The kinds of record a role can be granted operations on.</summary>
public enum Resource
{
    Patient,
    Visit,
    MedicalStudy,
    Enrollment,
    Account,
    Role,
    AuditLog,
    Export,
}
