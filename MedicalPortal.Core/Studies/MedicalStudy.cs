using MedicalPortal.Core.Records;

namespace MedicalPortal.Core.Studies;

/// <summary>A research study. Lives in the catalog; its participants' enrollments live on their patients' shards.</summary>
public sealed class MedicalStudy : IVersionedRecord
{
    private MedicalStudy()
    {
    }

    public Guid Id { get; private set; }

    public string Title { get; private set; } = "";

    public string? Description { get; private set; }

    public string PrincipalInvestigator { get; private set; } = "";

    public StudyStatus Status { get; private set; }

    public DateOnly StartDate { get; private set; }

    public DateOnly? EndDate { get; private set; }

    public int Version { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <param name="id">The study's id when the caller fixes it (imports, fixed data sets); otherwise a new one.</param>
    public static MedicalStudy Create(StudyInput input, DateTimeOffset now, Guid? id = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cleaned = input.Cleaned();
        StudyRules.Validate(cleaned).ThrowIfInvalid();
        var study = new MedicalStudy { Id = id ?? Guid.CreateVersion7(now), Version = 1, CreatedAt = now };
        study.Apply(cleaned, now);
        return study;
    }

    public void Update(StudyInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cleaned = input.Cleaned();
        StudyRules.Validate(cleaned).ThrowIfInvalid();
        Apply(cleaned, now);
        Version++;
    }

    public StudyDto ToDto() => new(Id, Title, Description, PrincipalInvestigator, Status, StartDate, EndDate, Version);

    private void Apply(StudyInput cleaned, DateTimeOffset now)
    {
        Title = cleaned.Title!;
        Description = cleaned.Description;
        PrincipalInvestigator = cleaned.PrincipalInvestigator!;
        Status = cleaned.Status!.Value;
        StartDate = cleaned.StartDate!.Value;
        EndDate = cleaned.EndDate;
        UpdatedAt = now;
    }
}
