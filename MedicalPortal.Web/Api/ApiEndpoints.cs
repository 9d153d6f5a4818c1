using MedicalPortal.Web.Api.Accounts;
using MedicalPortal.Web.Api.Audit;
using MedicalPortal.Web.Api.Auth;
using MedicalPortal.Web.Api.Export;
using MedicalPortal.Web.Api.Patients;
using MedicalPortal.Web.Api.Roles;
using MedicalPortal.Web.Api.Studies;
using MedicalPortal.Web.Api.Visits;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace MedicalPortal.Web.Api;

/// <summary>The JSON API under <c>/api/v1</c> (ARCHITECTURE.md section 12). It calls the same Core services as the UI.</summary>
internal static class ApiEndpoints
{
    public const string Prefix = "/api/v1";

    /// <summary>The largest body an API request may have: 64 KB, many times the largest record.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>The API accepts bearer tokens only: a browser's cookie never authorizes an API call (no CSRF).</summary>
    public static readonly AuthorizationPolicy BearerOnly = new AuthorizationPolicyBuilder(IdentityConstants.BearerScheme)
        .RequireAuthenticatedUser()
        .Build();

    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder app)
    {
        // No request of the API carries more than a record or two: a bigger body is refused (413) before it is read.
        var api = app.MapGroup(Prefix).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).WithProblemResponses();

        // The benchmark baseline: anonymous, no database, a few bytes of JSON.
        api.MapGet("/ping", () => TypedResults.Ok(new Pong("ok")))
            .AllowAnonymous()
            .WithName("Ping")
            .WithTags("Service")
            .WithSummary("Liveness of the API itself; touches no database.");

        api.MapAuthEndpoints();

        var secured = api.MapGroup("").RequireAuthorization(BearerOnly);
        secured.MapPatientEndpoints();
        secured.MapVisitEndpoints();
        secured.MapStudyEndpoints();
        secured.MapAccountEndpoints();
        secured.MapRoleEndpoints();
        secured.MapAuditEndpoints();
        secured.MapExportEndpoints();
        return app;
    }

    internal sealed record Pong(string Status);
}
