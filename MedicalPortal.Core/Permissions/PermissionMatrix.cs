namespace MedicalPortal.Core.Permissions;

/// <summary>Per role, per resource, the operations granted. Anything absent is denied.</summary>
public sealed class PermissionMatrix(IReadOnlyDictionary<string, IReadOnlyDictionary<Resource, Operations>> grants)
{
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<Resource, Operations>> _grants =
        grants.ToDictionary(g => g.Key, g => g.Value, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> Roles => _grants.Keys;

    public Operations Granted(string role, Resource resource) =>
        _grants.TryGetValue(role, out var byResource) && byResource.TryGetValue(resource, out var operations)
            ? Sanitize(resource, operations)
            : Operations.None;

    /// <summary>The audit log is append-only: whatever is stored, only Retrieve can ever be granted on it.</summary>
    public static Operations Sanitize(Resource resource, Operations operations) =>
        resource == Resource.AuditLog ? operations & Operations.Retrieve : operations & Operations.All;
}
