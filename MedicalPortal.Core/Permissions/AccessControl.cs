using MedicalPortal.Core.Records;

namespace MedicalPortal.Core.Permissions;

/// <summary>
/// The single authorization seam: every Core service operation calls it before it reads a cache or a database.
/// Deny by default; the rights of all the caller's roles add up; the Patient role reaches only its own record.
/// </summary>
public sealed class AccessControl(IPermissionStore permissions)
{
    /// <summary>Refuses unless the caller may perform <paramref name="operation"/> on some <paramref name="resource"/> record.</summary>
    public async Task<AccessScope> DemandAsync(
        ICurrentUser user, Resource resource, Operations operation, CancellationToken cancellationToken)
    {
        var scope = await ScopeAsync(user, resource, operation, cancellationToken);
        return scope == AccessScope.None
            ? throw new AccessDeniedException(user.IsAuthenticated, resource, operation)
            : scope;
    }

    /// <summary>
    /// Refuses unless the caller may perform <paramref name="operation"/> on a record of patient <paramref name="patientId"/>.
    /// A record outside an own-record scope is reported exactly like one that does not exist.
    /// </summary>
    public async Task DemandForPatientAsync(
        ICurrentUser user, Resource resource, Operations operation, Guid patientId, CancellationToken cancellationToken)
    {
        var scope = await DemandAsync(user, resource, operation, cancellationToken);
        EnsureWithinScope(user, scope, resource, patientId);
    }

    /// <summary>Applies an own-record scope to a record that has already been read.</summary>
    public static void EnsureWithinScope(ICurrentUser user, AccessScope scope, Resource resource, Guid patientId)
    {
        if (scope == AccessScope.OwnPatientRecord && user.PatientId != patientId)
        {
            throw new RecordNotFoundException(resource);
        }
    }

    public async Task<AccessScope> ScopeAsync(
        ICurrentUser user, Resource resource, Operations operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (operation is not (Operations.Create or Operations.Retrieve or Operations.Update or Operations.Delete))
        {
            // One operation per demand: rights add up across roles per operation, not per combination.
            throw new ArgumentOutOfRangeException(nameof(operation), operation, "Demand exactly one operation.");
        }

        if (!user.IsAuthenticated || user.Roles.Count == 0)
        {
            return AccessScope.None;
        }

        var matrix = await permissions.GetMatrixAsync(cancellationToken);
        var scope = AccessScope.None;
        foreach (var role in user.Roles)
        {
            if ((matrix.Granted(role, resource) & operation) != operation)
            {
                continue;
            }

            if (!string.Equals(role, RoleNames.Patient, StringComparison.OrdinalIgnoreCase))
            {
                return AccessScope.AllRecords;
            }

            // A patient account that is not (or no longer) linked to a record reaches nothing.
            if (user.PatientId is not null)
            {
                scope = AccessScope.OwnPatientRecord;
            }
        }

        return scope;
    }
}
