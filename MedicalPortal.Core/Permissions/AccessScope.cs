namespace MedicalPortal.Core.Permissions;

/// <summary>How far a permitted operation reaches.</summary>
public enum AccessScope
{
    /// <summary>Not permitted.</summary>
    None,

    /// <summary>Only the patient record linked to the caller's own account (the Patient role).</summary>
    OwnPatientRecord,

    /// <summary>Every record of the resource.</summary>
    AllRecords,
}
