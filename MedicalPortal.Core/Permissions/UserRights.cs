namespace MedicalPortal.Core.Permissions;

/// <summary>
/// What one user may do to each resource, answered from one read of the permission matrix: the answer the UI asks
/// before it shows a control, and the one <see cref="AccessControl"/> enforces. Deny by default; the rights of all the
/// user's roles add up per operation; the Patient role reaches only the record linked to the user's own account.
/// </summary>
/// <remarks>A snapshot: after an admin edits the matrix, a new one is needed to see the change.</remarks>
public sealed class UserRights
{
    private readonly PermissionMatrix _matrix;
    private readonly string[] _roles;
    private readonly bool _linkedToPatientRecord;

    private UserRights(PermissionMatrix matrix, string[] roles, bool linkedToPatientRecord)
    {
        _matrix = matrix;
        _roles = roles;
        _linkedToPatientRecord = linkedToPatientRecord;
    }

    /// <summary>The rights of a caller who may do nothing: not signed in, or no role.</summary>
    public static UserRights None { get; } =
        new(new PermissionMatrix(new Dictionary<string, IReadOnlyDictionary<Resource, Operations>>()), [], linkedToPatientRecord: false);

    /// <summary>The rights <paramref name="user"/>'s roles hold in <paramref name="matrix"/>.</summary>
    public static UserRights Of(ICurrentUser user, PermissionMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(matrix);
        return user.IsAuthenticated && user.Roles.Count > 0
            ? new UserRights(matrix, [.. user.Roles], user.PatientId is not null)
            : None;
    }

    /// <summary>How far <paramref name="operation"/> (exactly one) on <paramref name="resource"/> reaches.</summary>
    public AccessScope Scope(Resource resource, Operations operation)
    {
        if (operation is not (Operations.Create or Operations.Retrieve or Operations.Update or Operations.Delete))
        {
            // One operation per question: rights add up across roles per operation, not per combination.
            throw new ArgumentOutOfRangeException(nameof(operation), operation, "Ask for exactly one operation.");
        }

        var scope = AccessScope.None;
        foreach (var role in _roles)
        {
            if ((_matrix.Granted(role, resource) & operation) != operation)
            {
                continue;
            }

            if (!PatientRoleGrants.IsPatientRole(role))
            {
                return AccessScope.AllRecords;
            }

            // A patient account that is not (or no longer) linked to a record reaches nothing. What the Patient role
            // holds on a record of no patient is only viewing studies (the matrix gives it nothing else there), which
            // reaches every study: an own-record scope is only ever answered where a record can be the own one.
            if (_linkedToPatientRecord)
            {
                if (!PatientRoleGrants.IsPatientScoped(resource))
                {
                    return AccessScope.AllRecords;
                }

                scope = AccessScope.OwnPatientRecord;
            }
        }

        return scope;
    }

    /// <summary>Whether the user may perform <paramref name="operation"/> on at least one <paramref name="resource"/> record.</summary>
    public bool Can(Resource resource, Operations operation) => Scope(resource, operation) != AccessScope.None;

    /// <summary>Whether the user may perform <paramref name="operation"/> on every <paramref name="resource"/> record, not only their own.</summary>
    public bool CanOnAllRecords(Resource resource, Operations operation) => Scope(resource, operation) == AccessScope.AllRecords;
}
