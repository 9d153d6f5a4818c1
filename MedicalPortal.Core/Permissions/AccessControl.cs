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

    /// <summary>How far <paramref name="operation"/> (exactly one) on <paramref name="resource"/> reaches for the caller.</summary>
    public async Task<AccessScope> ScopeAsync(
        ICurrentUser user, Resource resource, Operations operation, CancellationToken cancellationToken) =>
        (await RightsAsync(user, cancellationToken)).Scope(resource, operation);

    /// <summary>
    /// Everything the caller may do, from one read of the permission matrix: what a page asks before it shows its
    /// controls. Not signed in, or no role: <see cref="UserRights.None"/>, without reading the matrix.
    /// </summary>
    public async Task<UserRights> RightsAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsAuthenticated && user.Roles.Count > 0
            ? UserRights.Of(user, await permissions.GetMatrixAsync(cancellationToken))
            : UserRights.None;
    }
}
