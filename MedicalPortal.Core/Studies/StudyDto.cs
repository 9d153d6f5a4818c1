namespace MedicalPortal.Core.Studies;

/// <summary>A study as services return it and the API serializes it (ARCHITECTURE.md section 12).</summary>
public sealed record StudyDto(
    Guid Id,
    string Title,
    string? Description,
    string PrincipalInvestigator,
    StudyStatus Status,
    DateOnly StartDate,
    DateOnly? EndDate,
    int Version);
