using MedicalPortal.Core.Studies;

namespace MedicalPortal.Web.Api.Studies;

/// <summary>The study JSON a client sends (POST, PUT); <c>id</c> is ignored, PUT carries the <c>version</c> it read.</summary>
public sealed record StudyRequest(
    Guid? Id = null,
    string? Title = null,
    string? Description = null,
    string? PrincipalInvestigator = null,
    StudyStatus? Status = null,
    DateOnly? StartDate = null,
    DateOnly? EndDate = null,
    int? Version = null)
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
public sealed record EnrollmentRequest(Guid? PatientId = null, DateTimeOffset? ConsentedAt = null, int? Version = null);
