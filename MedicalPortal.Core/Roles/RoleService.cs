using System.Text.RegularExpressions;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Roles;

/// <summary>
/// Administering roles and the permission matrix. Seeded roles keep their names; the Admin role always keeps the
/// right to see and change roles, so nobody can lock the clinic out of its own permissions.
/// </summary>
public sealed partial class RoleService(IRoleDirectory roles, AccessControl access)
{
    /// <summary>What the Admin role can never lose.</summary>
    public static IReadOnlyDictionary<Resource, Operations> AdminFloor { get; } = new Dictionary<Resource, Operations>
    {
        [Resource.Role] = Operations.Retrieve | Operations.Update,
        [Resource.Account] = Operations.Retrieve | Operations.Update,
    };

    public async Task<IReadOnlyList<RoleDto>> ListAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Role, Operations.Retrieve, cancellationToken);
        return await roles.ListAsync(cancellationToken);
    }

    public async Task<RoleDto> CreateAsync(ICurrentUser user, string? name, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Role, Operations.Create, cancellationToken);
        return await roles.CreateAsync(AuditActor.Of(user), ValidName(name, "name"), cancellationToken);
    }

    public async Task<RoleDto> RenameAsync(ICurrentUser user, string name, string? newName, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Role, Operations.Update, cancellationToken);
        var role = await roles.FindAsync(name, cancellationToken) ?? throw new RecordNotFoundException(Resource.Role);
        if (role.IsSeeded)
        {
            throw new ValidationFailedException("name", $"{role.Name} is a built-in role and keeps its name.");
        }

        return await roles.RenameAsync(AuditActor.Of(user), role.Name, ValidName(newName, "name"), cancellationToken);
    }

    public async Task DeleteAsync(ICurrentUser user, string name, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Role, Operations.Delete, cancellationToken);
        var role = await roles.FindAsync(name, cancellationToken) ?? throw new RecordNotFoundException(Resource.Role);
        if (role.IsSeeded)
        {
            throw new ValidationFailedException("name", $"{role.Name} is a built-in role and cannot be deleted.");
        }

        if (role.Holders > 0)
        {
            throw new ValidationFailedException("name", $"{role.Holders} account(s) hold this role: give them another role first.");
        }

        await roles.DeleteAsync(AuditActor.Of(user), role.Name, cancellationToken);
    }

    /// <summary>Sets what <paramref name="role"/> may do to <paramref name="resource"/>.</summary>
    public async Task<RoleDto> GrantAsync(
        ICurrentUser user, string role, Resource resource, Operations operations, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.Role, Operations.Update, cancellationToken);
        if (!Enum.IsDefined(resource) || (operations & ~Operations.All) != Operations.None)
        {
            throw new ValidationFailedException("operations", "Unknown resource or operation.");
        }

        if (resource == Resource.AuditLog && (operations & ~Operations.Retrieve) != Operations.None)
        {
            throw new ValidationFailedException("operations", "The audit log is append-only: only Retrieve can be granted.");
        }

        var existing = await roles.FindAsync(role, cancellationToken) ?? throw new RecordNotFoundException(Resource.Role);
        if (string.Equals(existing.Name, RoleNames.Admin, StringComparison.OrdinalIgnoreCase)
            && AdminFloor.TryGetValue(resource, out var floor) && (operations & floor) != floor)
        {
            throw new ValidationFailedException("operations",
                $"Admin must keep Retrieve and Update on {resource}, or nobody could manage the clinic's access any more.");
        }

        if (PatientRoleGrants.RefusalOf(existing.Name, resource, existing.Granted(resource), operations) is { } refusal)
        {
            throw new ValidationFailedException("operations", refusal);
        }

        return await roles.GrantAsync(AuditActor.Of(user), existing.Name, resource, operations, cancellationToken);
    }

    private static string ValidName(string? name, string field)
    {
        var cleaned = FieldRules.Clean(name);
        return cleaned is not null && RoleName().IsMatch(cleaned)
            ? cleaned
            : throw new ValidationFailedException(field, "A role name is 2 to 40 letters, digits, spaces or hyphens, starting with a letter.");
    }

    [GeneratedRegex(@"^\p{L}[\p{L}0-9 -]{1,39}\z")]
    private static partial Regex RoleName();
}
