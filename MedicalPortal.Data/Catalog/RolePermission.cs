using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Data.Catalog;

/// <summary>One cell of the permission matrix: what <see cref="Role"/> may do to <see cref="Resource"/>.</summary>
internal sealed class RolePermission
{
    public string Role { get; set; } = "";

    public Resource Resource { get; set; }

    public Operations Operations { get; set; }
}
