namespace MedicalPortal.Core.Permissions;

/// <summary>Per role, per resource, the operations granted. Anything absent is denied.</summary>
public sealed class PermissionMatrix(IReadOnlyDictionary<string, IReadOnlyDictionary<Resource, Operations>> grants)
{
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<Resource, Operations>> _grants =
        grants.ToDictionary(g => g.Key, g => g.Value, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> Roles => _grants.Keys;

    /// <summary>
    /// What <paramref name="role"/> holds on <paramref name="resource"/>, whatever is stored: never more than
    /// Retrieve on the audit log, and for the Patient role nothing on records that belong to no patient beyond viewing
    /// studies (<see cref="PatientRoleGrants"/>), so a right stored before that rule, or edited in the database, has no
    /// effect.
    /// </summary>
    public Operations Granted(string role, Resource resource) =>
        _grants.TryGetValue(role, out var byResource) && byResource.TryGetValue(resource, out var operations)
            ? Sanitize(resource, operations) & (PatientRoleGrants.IsPatientRole(role) ? PatientRoleGrants.Grantable(resource) : Operations.All)
            : Operations.None;

    /// <summary>The audit log is append-only: whatever is stored, only Retrieve can ever be granted on it.</summary>
    public static Operations Sanitize(Resource resource, Operations operations) =>
        resource == Resource.AuditLog ? operations & Operations.Retrieve : operations & Operations.All;
}
