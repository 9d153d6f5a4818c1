using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Records;

/// <summary>How a resource is named in messages a clinician reads.</summary>
public static class ResourceNames
{
    public static string Display(Resource resource) => resource switch
    {
        Resource.Patient => "patient",
        Resource.Visit => "visit",
        Resource.MedicalStudy => "study",
        Resource.Enrollment => "enrollment",
        Resource.Account => "account",
        Resource.Role => "role",
        Resource.AuditLog => "audit",
        Resource.Export => "export",
        _ => resource.ToString().ToLowerInvariant(),
    };
}
