using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Tests.Permissions;

internal sealed class FakePermissionStore(PermissionMatrix matrix) : IPermissionStore
{
    public FakePermissionStore()
        : this(DefaultPermissions.Matrix)
    {
    }

    public int Calls { get; private set; }

    public Task<PermissionMatrix> GetMatrixAsync(CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(matrix);
    }
}
