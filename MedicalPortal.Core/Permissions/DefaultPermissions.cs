namespace MedicalPortal.Core.Permissions;

/// <summary>
/// The permission matrix a new installation is seeded with (ARCHITECTURE.md section 3). Admins edit the stored copy;
/// this table is only the starting point.
/// </summary>
public static class DefaultPermissions
{
    private const Operations C = Operations.Create;
    private const Operations R = Operations.Retrieve;
    private const Operations U = Operations.Update;
    private const Operations D = Operations.Delete;
    private const Operations Crud = Operations.All;

    public static PermissionMatrix Matrix { get; } = new(new Dictionary<string, IReadOnlyDictionary<Resource, Operations>>
    {
        [RoleNames.Admin] = Grants(
            (Resource.Patient, Crud), (Resource.Visit, Crud), (Resource.MedicalStudy, Crud), (Resource.Enrollment, Crud),
            (Resource.Account, Crud), (Resource.Role, Crud), (Resource.AuditLog, R), (Resource.Export, R)),
        [RoleNames.Doctor] = Grants(
            (Resource.Patient, C | R | U), (Resource.Visit, Crud), (Resource.MedicalStudy, R), (Resource.Enrollment, C | R | U)),
        [RoleNames.Nurse] = Grants(
            (Resource.Patient, R | U), (Resource.Visit, C | R | U), (Resource.MedicalStudy, R), (Resource.Enrollment, R)),
        [RoleNames.Receptionist] = Grants(
            (Resource.Patient, C | R | U), (Resource.Visit, R), (Resource.MedicalStudy, R)),
        [RoleNames.Researcher] = Grants(
            (Resource.MedicalStudy, Crud), (Resource.Export, R)),
        [RoleNames.Patient] = Grants(
            (Resource.Patient, R | U), (Resource.Visit, R), (Resource.MedicalStudy, R), (Resource.Enrollment, C | R | D)),
    });

    private static Dictionary<Resource, Operations> Grants(params (Resource Resource, Operations Operations)[] grants) =>
        grants.ToDictionary(g => g.Resource, g => g.Operations);
}
