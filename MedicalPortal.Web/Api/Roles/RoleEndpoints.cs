using System.Security.Claims;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Roles;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalPortal.Web.Api.Roles;

/// <summary>Roles and the permission matrix (the Role resource).</summary>
internal static class RoleEndpoints
{
    public static void MapRoleEndpoints(this IEndpointRouteBuilder api)
    {
        var roles = api.MapGroup("/roles").WithTags("Roles");
        roles.MapGet("/", ListAsync).WithName("ListRoles")
            .WithSummary("Roles with their permissions and number of holders.");
        roles.MapPost("/", CreateAsync).WithName("CreateRole").WithSummary("Creates a role with no rights.");
        roles.MapPut("/{name}", RenameAsync).WithName("RenameRole").WithSummary("Renames a role (not a built-in one).");
        roles.MapDelete("/{name}", DeleteAsync).WithName("DeleteRole")
            .WithSummary("Deletes a role nobody holds (not a built-in one).");
        roles.MapPut("/{name}/permissions/{resource}", GrantAsync).WithName("SetRolePermissions")
            .WithSummary("Sets what the role may do to a resource, e.g. { \"operations\": [\"retrieve\", \"update\"] }.");
    }

    private static async Task<Ok<ListResponse<RoleView>>> ListAsync(RoleService service, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResponse<RoleView>((await service.ListAsync(PrincipalUser.From(user), cancellationToken)).Select(RoleView.From).ToList()));

    private static async Task<Created<RoleView>> CreateAsync(
        RoleService service, ClaimsPrincipal user, NameRequest body, CancellationToken cancellationToken)
    {
        var role = await service.CreateAsync(PrincipalUser.From(user), body.Name, cancellationToken);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/roles/{Uri.EscapeDataString(role.Name)}", RoleView.From(role));
    }

    private static async Task<Ok<RoleView>> RenameAsync(
        RoleService service, ClaimsPrincipal user, string name, NameRequest body, CancellationToken cancellationToken) =>
        TypedResults.Ok(RoleView.From(await service.RenameAsync(PrincipalUser.From(user), name, body.Name, cancellationToken)));

    private static async Task<NoContent> DeleteAsync(RoleService service, ClaimsPrincipal user, string name, CancellationToken cancellationToken)
    {
        await service.DeleteAsync(PrincipalUser.From(user), name, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<RoleView>> GrantAsync(
        RoleService service, ClaimsPrincipal user, string name, string resource, GrantRequest body, CancellationToken cancellationToken)
    {
        // "medical-study", "medicalStudy" and "MedicalStudy" all name the same resource.
        if (!Enum.TryParse<Resource>(resource.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed)
            || !Enum.IsDefined(parsed))
        {
            throw new Core.Validation.ValidationFailedException("resource", $"Unknown resource. Use one of: {string.Join(", ", Enum.GetNames<Resource>())}.");
        }

        var operations = (body.Operations ?? []).Aggregate(Operations.None, (all, one) => all | one);
        return TypedResults.Ok(RoleView.From(await service.GrantAsync(PrincipalUser.From(user), name, parsed, operations, cancellationToken)));
    }

    internal sealed record NameRequest(string? Name = null);

    internal sealed record GrantRequest(IReadOnlyList<Operations>? Operations = null);

    /// <summary>A role as JSON: its name, holders, and per resource the operations as a list of words.</summary>
    internal sealed record RoleView(string Name, int Holders, bool BuiltIn, IReadOnlyDictionary<Resource, IReadOnlyList<Operations>> Permissions)
    {
        public static RoleView From(RoleDto role) => new(
            role.Name,
            role.Holders,
            role.IsSeeded,
            Enum.GetValues<Resource>().ToDictionary(
                r => r,
                r => (IReadOnlyList<Operations>)[.. OperationsOf(role.Granted(r))]));

        private static IEnumerable<Operations> OperationsOf(Operations granted) =>
            new[] { Operations.Create, Operations.Retrieve, Operations.Update, Operations.Delete }.Where(o => granted.HasFlag(o));
    }
}
