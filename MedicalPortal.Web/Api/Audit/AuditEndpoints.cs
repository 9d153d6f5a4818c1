using System.Security.Claims;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalPortal.Web.Api.Audit;

/// <summary>The audit trail (AuditLog Retrieve): who changed or viewed what, and whether every chain is intact.</summary>
internal static class AuditEndpoints
{
    public static void MapAuditEndpoints(this IEndpointRouteBuilder api)
    {
        // The trail and its chains are kept in every shard as well as in the catalog.
        var audit = api.MapGroup("/audit").WithTags("Audit").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        audit.MapGet("/", QueryAsync).WithName("QueryAuditTrail")
            .WithSummary("Audit entries of every database, newest first; filter by patientId, actor, resource, resourceId, action, from, to.");
        audit.MapGet("/integrity", VerifyAsync).WithName("VerifyAuditChains")
            .WithSummary("Checks every audit chain; names the first bad entry per database.");
    }

    private static async Task<Ok<Page<AuditEntryDto>>> QueryAsync(
        AuditService service,
        ClaimsPrincipal user,
        Guid? patientId,
        string? actor,
        Resource? resource,
        string? resourceId,
        AuditAction? action,
        DateTimeOffset? from,
        DateTimeOffset? to,
        string? cursor,
        int? limit,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.QueryAsync(PrincipalUser.From(user), new AuditQuery
        {
            PatientId = patientId,
            Actor = actor,
            Resource = resource,
            ResourceId = resourceId,
            Action = action,
            From = from,
            To = to,
            Cursor = cursor,
            Limit = limit ?? PageLimits.Default,
        }, cancellationToken));

    private static async Task<Ok<IReadOnlyList<ChainVerification>>> VerifyAsync(
        AuditService service, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.VerifyAsync(PrincipalUser.From(user), cancellationToken));
}
