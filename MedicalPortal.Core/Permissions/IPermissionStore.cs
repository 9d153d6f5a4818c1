namespace MedicalPortal.Core.Permissions;

/// <summary>Where the editable permission matrix lives (the catalog database).</summary>
public interface IPermissionStore
{
    Task<PermissionMatrix> GetMatrixAsync(CancellationToken cancellationToken);
}
