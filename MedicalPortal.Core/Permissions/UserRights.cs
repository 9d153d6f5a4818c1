namespace MedicalPortal.Core.Permissions;

/// <summary>
/// What one user may do to each resource, worked out from one read of the permission matrix: the answer the UI asks
/// before it shows a control, and the one <see cref="AccessControl"/> enforces. Deny by default; the rights of all the
/// user's roles add up per operation; the Patient role reaches only the record linked to the user's own account.
/// </summary>
/// <remarks>A snapshot: after an admin edits the matrix, a new one is needed to see the change.</remarks>
public sealed class UserRights
{
    private readonly Dictionary<Resource, Operations> _onAllRecords = [];
    private readonly Dictionary<Resource, Operations> _onOwnRecord = [];

    private UserRights()
    {
    }

    /// <summary>The rights of a caller who may do nothing: not signed in, or no role.</summary>
    public static UserRights None { get; } = new();

    /// <summary>The rights <paramref name="user"/>'s roles hold in <paramref name="matrix"/>.</summary>
    public static UserRights Of(ICurrentUser user, PermissionMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(matrix);
        if (!user.IsAuthenticated || user.Roles.Count == 0)
        {
            return None;
        }

        var rights = new UserRights();
        foreach (var role in user.Roles)
        {
            if (!string.Equals(role, RoleNames.Patient, StringComparison.OrdinalIgnoreCase))
            {
                Add(rights._onAllRecords, role);
            }
            else if (user.PatientId is not null)
            {
                // A patient account that is not (or no longer) linked to a record reaches nothing.
                Add(rights._onOwnRecord, role);
            }
        }

        return rights;

        void Add(Dictionary<Resource, Operations> granted, string role)
        {
            foreach (var resource in Enum.GetValues<Resource>())
            {
                granted[resource] = granted.GetValueOrDefault(resource) | matrix.Granted(role, resource);
            }
        }
    }

    /// <summary>How far <paramref name="operation"/> (exactly one) on <paramref name="resource"/> reaches.</summary>
    public AccessScope Scope(Resource resource, Operations operation)
    {
        if (operation is not (Operations.Create or Operations.Retrieve or Operations.Update or Operations.Delete))
        {
            // One operation per question: rights add up across roles per operation, not per combination.
            throw new ArgumentOutOfRangeException(nameof(operation), operation, "Ask for exactly one operation.");
        }

        return _onAllRecords.GetValueOrDefault(resource).HasFlag(operation) ? AccessScope.AllRecords
            : _onOwnRecord.GetValueOrDefault(resource).HasFlag(operation) ? AccessScope.OwnPatientRecord
            : AccessScope.None;
    }

    /// <summary>Whether the user may perform <paramref name="operation"/> on at least one <paramref name="resource"/> record.</summary>
    public bool Can(Resource resource, Operations operation) => Scope(resource, operation) != AccessScope.None;

    /// <summary>Whether the user may perform <paramref name="operation"/> on every <paramref name="resource"/> record, not only their own.</summary>
    public bool CanOnAllRecords(Resource resource, Operations operation) => Scope(resource, operation) == AccessScope.AllRecords;
}
