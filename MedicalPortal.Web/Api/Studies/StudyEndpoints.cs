using System.Security.Claims;
using MedicalPortal.Core.Studies;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalPortal.Web.Api.Studies;

internal static class StudyEndpoints
{
    public static void MapStudyEndpoints(this IEndpointRouteBuilder api)
    {
        var studies = api.MapGroup("/studies").WithTags("Studies");
        studies.MapGet("/", ListAsync).WithName("ListStudies").WithSummary("All studies, newest first.");
        studies.MapPost("/", CreateAsync).WithName("CreateStudy").WithSummary("Creates a study.");
        studies.MapGet("/{id:guid}", GetAsync).WithName("GetStudy").WithSummary("One study.");
        studies.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateStudy")
            .WithSummary("Updates a study; send the version you read (409 if stale).");
        studies.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteStudy")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Deletes a study nobody was enrolled in (others are closed).");
        studies.MapGet("/{id:guid}/enrollments", ListEnrollmentsAsync).WithName("ListEnrollments")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("The study's enrollments (a patient sees only their own).");
        studies.MapPost("/{id:guid}/enrollments", EnrollAsync).WithName("RecordConsent")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Records a patient's consent to the study.");

        var enrollments = api.MapGroup("/enrollments").WithTags("Studies").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        enrollments.MapGet("/{id:guid}", GetEnrollmentAsync).WithName("GetEnrollment").WithSummary("One enrollment.");
        enrollments.MapPut("/{id:guid}", CorrectConsentAsync).WithName("CorrectConsent")
            .WithSummary("Corrects the date of consent.");
        enrollments.MapDelete("/{id:guid}", WithdrawAsync).WithName("WithdrawConsent")
            .WithSummary("Withdraws consent: left out of every later extraction.");
    }

    private static async Task<Ok<ListResponse<StudyDto>>> ListAsync(StudyService service, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResponse<StudyDto>(await service.ListAsync(PrincipalUser.From(user), cancellationToken)));

    private static async Task<Created<StudyDto>> CreateAsync(
        StudyService service, ClaimsPrincipal user, StudyRequest body, CancellationToken cancellationToken)
    {
        var study = await service.CreateAsync(PrincipalUser.From(user), body.ToInput(), cancellationToken);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/studies/{study.Id}", study);
    }

    private static async Task<Ok<StudyDto>> GetAsync(StudyService service, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.GetAsync(PrincipalUser.From(user), id, cancellationToken));

    private static async Task<Ok<StudyDto>> UpdateAsync(
        StudyService service, ClaimsPrincipal user, Guid id, StudyRequest body, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.UpdateAsync(PrincipalUser.From(user), id, body.ToInput(), VersionRequired.Of(body.Version), cancellationToken));

    private static async Task<NoContent> DeleteAsync(
        StudyService service, ClaimsPrincipal user, Guid id, int? version, CancellationToken cancellationToken)
    {
        await service.DeleteAsync(PrincipalUser.From(user), id, version, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ListResponse<EnrollmentDto>>> ListEnrollmentsAsync(
        EnrollmentService service, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResponse<EnrollmentDto>(await service.ListForStudyAsync(PrincipalUser.From(user), id, cancellationToken)));

    private static async Task<Created<EnrollmentDto>> EnrollAsync(
        EnrollmentService service, ClaimsPrincipal user, Guid id, EnrollmentRequest body, CancellationToken cancellationToken)
    {
        var enrollment = await service.EnrollAsync(PrincipalUser.From(user), id, body.PatientId, body.ConsentedAt, cancellationToken);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/enrollments/{enrollment.Id}", enrollment);
    }

    private static async Task<Ok<EnrollmentDto>> GetEnrollmentAsync(
        EnrollmentService service, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.GetAsync(PrincipalUser.From(user), id, cancellationToken));

    private static async Task<Ok<EnrollmentDto>> CorrectConsentAsync(
        EnrollmentService service, ClaimsPrincipal user, Guid id, EnrollmentRequest body, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.CorrectConsentAsync(PrincipalUser.From(user), id, body.ConsentedAt, VersionRequired.Of(body.Version), cancellationToken));

    private static async Task<Ok<EnrollmentDto>> WithdrawAsync(
        EnrollmentService service, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.WithdrawAsync(PrincipalUser.From(user), id, cancellationToken));
}
