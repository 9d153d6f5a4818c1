using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Roles;

/// <summary>A role with its row of the permission matrix and how many accounts hold it.</summary>
public sealed record RoleDto(string Name, int Holders, IReadOnlyDictionary<Resource, Operations> Grants)
{
    /// <summary>Seeded roles carry built-in meaning (the last administrator, own-record scoping) and keep their names.</summary>
    public bool IsSeeded => RoleNames.Seeded.Contains(Name, StringComparer.OrdinalIgnoreCase);

    public Operations Granted(Resource resource) => Grants.TryGetValue(resource, out var operations) ? operations : Operations.None;
}
