using System.Security.Claims;
using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalPortal.Web.Api.Visits;

internal static class VisitEndpoints
{
    public static void MapVisitEndpoints(this IEndpointRouteBuilder api)
    {
        var visits = api.MapGroup("/visits").WithTags("Visits").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        visits.MapGet("/{id:guid}", GetAsync).WithName("GetVisit").WithSummary("One visit.");
        visits.MapPut("/{id:guid}", UpdateAsync).WithName("CorrectVisit")
            .WithSummary("Corrects a visit; send the version you read (409 if stale).");
        visits.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteVisit").WithSummary("Deletes a visit.");
    }

    private static async Task<Ok<VisitDto>> GetAsync(
        VisitService service, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.GetAsync(PrincipalUser.From(user), id, cancellationToken));

    private static async Task<Ok<VisitDto>> UpdateAsync(
        VisitService service, ClaimsPrincipal user, Guid id, VisitRequest body, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.UpdateAsync(
            PrincipalUser.From(user), id, body.ToInput(), VersionRequired.Of(body.Version), cancellationToken));

    private static async Task<NoContent> DeleteAsync(
        VisitService service, ClaimsPrincipal user, Guid id, int? version, CancellationToken cancellationToken)
    {
        await service.DeleteAsync(PrincipalUser.From(user), id, version, cancellationToken);
        return TypedResults.NoContent();
    }
}
