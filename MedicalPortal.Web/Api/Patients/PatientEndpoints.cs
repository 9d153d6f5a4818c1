using System.Security.Claims;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Api.Visits;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalPortal.Web.Api.Patients;

internal static class PatientEndpoints
{
    public static void MapPatientEndpoints(this IEndpointRouteBuilder api)
    {
        // Every patient operation reads or writes a shard, which may not answer (503).
        var patients = api.MapGroup("/patients").WithTags("Patients").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        patients.MapGet("/", SearchAsync).WithName("SearchPatients")
            .WithSummary("Searches patients on every shard by name, MRN or birth date.");
        patients.MapPost("/", RegisterAsync).WithName("RegisterPatient")
            .WithSummary("Registers a patient; without an MRN the server assigns one.");
        patients.MapGet("/{id:guid}", GetAsync).WithName("GetPatient").WithSummary("One patient.");
        patients.MapPut("/{id:guid}", UpdateAsync).WithName("UpdatePatient")
            .WithSummary("Updates a patient; send the version you read (409 if stale).");
        patients.MapDelete("/{id:guid}", DeleteAsync).WithName("DeletePatient")
            .WithSummary("Deletes a patient with their visits and enrollments.");
        patients.MapGet("/{id:guid}/visits", ListVisitsAsync).WithName("ListPatientVisits")
            .WithSummary("A patient's visits, newest first.");
        patients.MapPost("/{id:guid}/visits", RecordVisitAsync).WithName("RecordVisit")
            .WithSummary("Records a visit for the patient.");
    }

    private static async Task<Ok<Page<PatientDto>>> SearchAsync(
        PatientService service, ClaimsPrincipal user, string? q, string? cursor, int? limit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.SearchAsync(PrincipalUser.From(user), PatientSearch.Parse(q, cursor, limit), cancellationToken));

    private static async Task<Created<PatientDto>> RegisterAsync(
        PatientService service, ClaimsPrincipal user, PatientRequest body, CancellationToken cancellationToken)
    {
        var patient = await service.RegisterAsync(PrincipalUser.From(user), body.ToInput(), cancellationToken);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/patients/{patient.Id}", patient);
    }

    private static async Task<Ok<PatientDto>> GetAsync(
        PatientService service, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.GetAsync(PrincipalUser.From(user), id, cancellationToken));

    private static async Task<Ok<PatientDto>> UpdateAsync(
        PatientService service, ClaimsPrincipal user, Guid id, PatientRequest body, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.UpdateAsync(
            PrincipalUser.From(user), id, body.ToInput(), VersionRequired.Of(body.Version), cancellationToken));

    private static async Task<NoContent> DeleteAsync(
        PatientService service, ClaimsPrincipal user, Guid id, int? version, CancellationToken cancellationToken)
    {
        await service.DeleteAsync(PrincipalUser.From(user), id, version, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Page<VisitDto>>> ListVisitsAsync(
        VisitService service, ClaimsPrincipal user, Guid id, string? cursor, int? limit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.ListForPatientAsync(PrincipalUser.From(user), id, cursor, limit, cancellationToken));

    private static async Task<Created<VisitDto>> RecordVisitAsync(
        VisitService service, ClaimsPrincipal user, Guid id, VisitRequest body, CancellationToken cancellationToken)
    {
        var visit = await service.RecordAsync(PrincipalUser.From(user), id, body.ToInput(), cancellationToken);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/visits/{visit.Id}", visit);
    }
}
