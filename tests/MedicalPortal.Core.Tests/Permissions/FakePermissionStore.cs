using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Tests.Permissions;

internal sealed class FakePermissionStore(PermissionMatrix matrix) : IPermissionStore
{
    public FakePermissionStore()
        : this(DefaultPermissions.Matrix)
    {
    }

    /// <summary>What the next read returns: a test sets it to stand for an admin's edit.</summary>
    public PermissionMatrix Matrix { get; set; } = matrix;

    public int Calls { get; private set; }

    public Task<PermissionMatrix> GetMatrixAsync(CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(Matrix);
    }
}
