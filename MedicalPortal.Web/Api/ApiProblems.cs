using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace MedicalPortal.Web.Api;

/// <summary>
/// The problem details each API operation can answer with, declared on the endpoint so that the OpenAPI document lists
/// them (and a generated client knows them): 400 with the field errors when it takes any input, 401 and 403 when it
/// needs a bearer token, 404 when its route names a record, 409 when it changes a record and takes the version the
/// caller read. 401 of the sign-in itself, 429 (sign-in throttling) and 503 (a shard that does not answer) are declared
/// where they apply, with <c>ProducesProblem</c>.
/// <see cref="ApiExceptionHandler"/> is where each of them is actually answered.
/// </summary>
internal static class ApiProblems
{
    public const string ContentType = "application/problem+json";

    /// <summary>Declares, on every endpoint of <paramref name="builder"/>, the problems its shape says it can answer.</summary>
    public static TBuilder WithProblemResponses<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        // Finally: after every other convention, so that authorization and anonymity are known.
        builder.Finally(endpoint =>
        {
            if (endpoint is not RouteEndpointBuilder route)
            {
                return;
            }

            var metadata = endpoint.Metadata;
            var handler = metadata.OfType<MethodInfo>().FirstOrDefault();
            var routeParameters = route.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var queryParameters = handler?.GetParameters().Where(p => IsQueryBindable(p) && !routeParameters.Contains(p.Name ?? "")).ToList() ?? [];
            var body = metadata.OfType<IAcceptsMetadata>().Any();
            var secured = !metadata.OfType<IAllowAnonymous>().Any()
                && (metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any());

            if (body || routeParameters.Count > 0 || queryParameters.Count > 0)
            {
                Declare(metadata, StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails));
            }

            if (secured)
            {
                Declare(metadata, StatusCodes.Status401Unauthorized);
                Declare(metadata, StatusCodes.Status403Forbidden);
            }

            if (routeParameters.Count > 0)
            {
                Declare(metadata, StatusCodes.Status404NotFound);
            }

            // Only a change to a record that exists carries the version it read; a new record has none to be stale.
            var changesExisting = metadata.OfType<IHttpMethodMetadata>().SelectMany(m => m.HttpMethods).Any(m => m is "PUT" or "DELETE");
            if (changesExisting && (queryParameters.Any(p => p.Name == "version") || BodyType(metadata)?.GetProperty("Version") is not null))
            {
                Declare(metadata, StatusCodes.Status409Conflict);
            }
        });
        return builder;
    }

    private static void Declare(IList<object> metadata, int status, Type? type = null)
    {
        if (!metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == status))
        {
            metadata.Add(new ProducesResponseTypeMetadata(status, type ?? typeof(ProblemDetails), [ContentType]));
        }
    }

    private static Type? BodyType(IList<object> metadata) =>
        metadata.OfType<IAcceptsMetadata>().Select(m => m.RequestType).FirstOrDefault(t => t is not null);

    // What a minimal API binds from the query string when the route does not name it: simple values.
    private static bool IsQueryBindable(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return type != typeof(CancellationToken) && type != typeof(ClaimsPrincipal)
            && (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(Guid)
                || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(decimal));
    }
}
