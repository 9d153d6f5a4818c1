namespace MedicalPortal.Core.Studies;

/// <summary>An enrollment as services return it and the API serializes it (ARCHITECTURE.md section 12).</summary>
public sealed record EnrollmentDto(
    Guid Id,
    Guid StudyId,
    Guid PatientId,
    DateTimeOffset ConsentedAt,
    DateTimeOffset? WithdrawnAt,
    int Version);
