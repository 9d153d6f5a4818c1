using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Roles;

/// <summary>Roles and the stored permission matrix (the catalog). Callers have already authorized; every change names its actor.</summary>
public interface IRoleDirectory
{
    Task<IReadOnlyList<RoleDto>> ListAsync(CancellationToken cancellationToken);

    Task<RoleDto?> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates a role with no rights. Throws <see cref="Validation.ValidationFailedException"/> if the name is taken.</summary>
    Task<RoleDto> CreateAsync(AuditActor actor, string name, CancellationToken cancellationToken);

    /// <summary>Renames a role, its matrix row and its holders' role, and makes their sessions pick it up.</summary>
    Task<RoleDto> RenameAsync(AuditActor actor, string name, string newName, CancellationToken cancellationToken);

    /// <summary>Deletes a role and its matrix row; refuses if anyone holds it.</summary>
    Task DeleteAsync(AuditActor actor, string name, CancellationToken cancellationToken);

    /// <summary>Sets one cell of the matrix. The change applies to every holder's next operation, on every node.</summary>
    Task<RoleDto> GrantAsync(AuditActor actor, string role, Resource resource, Operations operations, CancellationToken cancellationToken);
}
