using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Studies;

/// <summary>What a researcher submits to create or edit a study.</summary>
public sealed record StudyInput
{
    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? PrincipalInvestigator { get; init; }

    public StudyStatus? Status { get; init; }

    public DateOnly? StartDate { get; init; }

    public DateOnly? EndDate { get; init; }

    public StudyInput Cleaned() => this with
    {
        Title = FieldRules.Clean(Title),
        Description = FieldRules.Clean(Description),
        PrincipalInvestigator = FieldRules.Clean(PrincipalInvestigator),
    };
}
