namespace MedicalPortal.Core.Studies;

/// <summary>An enrollment as services return it and the API serializes it (DESIGN.md section 9).</summary>
public sealed record EnrollmentDto(
    Guid Id,
    Guid StudyId,
    Guid PatientId,
    DateTimeOffset ConsentedAt,
    DateTimeOffset? WithdrawnAt,
    int Version);
