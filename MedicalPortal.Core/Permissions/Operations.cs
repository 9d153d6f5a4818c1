namespace MedicalPortal.Core.Permissions;

/// <summary>Create / Retrieve / Update / Delete, combinable per role and resource.</summary>
[Flags]
public enum Operations
{
    None = 0,
    Create = 1,
    Retrieve = 2,
    Update = 4,
    Delete = 8,
    All = Create | Retrieve | Update | Delete,
}
