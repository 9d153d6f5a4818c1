namespace MedicalPortal.Core.Permissions;

/// <summary>
/// What the Patient role can hold. Its rights reach only the patient record linked to the account, and the records of
/// that patient: a right on a kind of record that belongs to no patient (accounts, roles, the audit log, exports) has
/// no own record to stop at, so every service would answer it for all records. Such rights are refused when an admin
/// grants them and ignored if one is stored anyway. The one exception is viewing studies, which patients need to
/// consent to them: a study is nobody's record, and viewing them all discloses nothing about anyone.
/// </summary>
public static class PatientRoleGrants
{
    /// <summary>Whether <paramref name="role"/> is the Patient role (role names compare without case).</summary>
    public static bool IsPatientRole(string role) => string.Equals(role, RoleNames.Patient, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a record of <paramref name="resource"/> belongs to one patient, so that a right on it can stop at the own record.</summary>
    public static bool IsPatientScoped(Resource resource) => resource is Resource.Patient or Resource.Visit or Resource.Enrollment;

    /// <summary>The operations the Patient role can hold on <paramref name="resource"/>.</summary>
    public static Operations Grantable(Resource resource) =>
        IsPatientScoped(resource) ? Operations.All
        : resource == Resource.MedicalStudy ? Operations.Retrieve
        : Operations.None;

    /// <summary>
    /// Why <paramref name="role"/>, which holds <paramref name="held"/> on <paramref name="resource"/>, cannot be given
    /// <paramref name="requested"/> instead; null when it can. Only what the change adds is judged, so that an admin can
    /// always take away a right stored before this rule existed.
    /// </summary>
    public static string? RefusalOf(string role, Resource resource, Operations held, Operations requested)
    {
        ArgumentNullException.ThrowIfNull(role);
        var added = requested & ~held;
        if (!IsPatientRole(role) || (added & ~Grantable(resource)) == Operations.None)
        {
            return null;
        }

        return resource == Resource.MedicalStudy
            ? "The Patient role can only view studies: a study belongs to no patient, so any other right on it would reach every study."
            : $"The Patient role reaches only the patient's own records, and {resource} records belong to no patient: it cannot be given rights on them.";
    }
}
