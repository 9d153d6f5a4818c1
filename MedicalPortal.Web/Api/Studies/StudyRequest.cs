using MedicalPortal.Core.Studies;

namespace MedicalPortal.Web.Api.Studies;

/// <summary>The study JSON a client sends (POST, PUT); <c>id</c> is ignored, PUT carries the <c>version</c> it read.</summary>
public sealed record StudyRequest(
    Guid? Id,
    string? Title,
    string? Description,
    string? PrincipalInvestigator,
    StudyStatus? Status,
    DateOnly? StartDate,
    DateOnly? EndDate,
    int? Version)
{
    public StudyInput ToInput() => new()
    {
        Title = Title,
        Description = Description,
        PrincipalInvestigator = PrincipalInvestigator,
        Status = Status,
        StartDate = StartDate,
        EndDate = EndDate,
    };
}

/// <summary>POST <c>{ patientId, consentedAt }</c>; PUT <c>{ consentedAt, version }</c>.</summary>
public sealed record EnrollmentRequest(Guid? PatientId, DateTimeOffset? ConsentedAt, int? Version);
