using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Studies;

public static class StudyRules
{
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 4000;

    public static ValidationErrors Validate(StudyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();

        if (input.Title is null)
        {
            errors.Add("title", "Title is required.");
        }

        FieldRules.OptionalText(errors, "title", "Title", input.Title, TitleMaxLength);
        FieldRules.OptionalText(errors, "description", "Description", input.Description, DescriptionMaxLength);
        FieldRules.RequiredName(errors, "principalInvestigator", "Principal investigator", input.PrincipalInvestigator);

        if (input.Status is not { } status || !Enum.IsDefined(status))
        {
            errors.Add("status", "Status must be draft, recruiting, active or closed.");
        }

        if (input.StartDate is null)
        {
            errors.Add("startDate", "Start date is required.");
        }
        else if (input.EndDate < input.StartDate)
        {
            errors.Add("endDate", "End date cannot be before the start date.");
        }

        return errors;
    }
}
