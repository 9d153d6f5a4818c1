using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Validation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace MedicalPortal.Web.Api;

/// <summary>
/// Turns Core's refusals into problem details on the API: 400 for invalid input (with the field errors), 401 when
/// not signed in, 403 when the role does not allow it, 404, 409 for a stale version, 503 naming the shard when the
/// patient's shard does not answer. Anything else stays a 500,
/// logged by the framework without request bodies.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    private const string RetryAfterSeconds = "30";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // The middleware has already pointed Request.Path at the error page; the feature keeps the original path.
        var path = httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path;
        if (!path.StartsWith(ApiEndpoints.Prefix + "/", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        ProblemDetails? problem = exception switch
        {
            ValidationFailedException e => new HttpValidationProblemDetails(e.Errors.ToDictionary())
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request has invalid values.",
                Detail = e.Message,
            },
            BadHttpRequestException e => new ProblemDetails
            {
                Status = e.StatusCode,
                Title = "The request could not be read.",
                Detail = e.InnerException is System.Text.Json.JsonException json
                    ? $"The JSON body is malformed or has a value of the wrong type{(json.Path is null ? "" : $" at {json.Path}")}."
                    : Unechoed(e),
            },
            AccessDeniedException { IsAuthenticated: false } e => new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized, Title = "Sign in first.", Detail = e.Message,
            },
            AccessDeniedException e => new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden, Title = "Not permitted.", Detail = e.Message,
            },
            RecordNotFoundException e => new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound, Title = "Not found.", Detail = e.Message,
            },
            ConcurrencyConflictException e => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict, Title = "The record was changed by someone else.", Detail = e.Message,
            },
            ShardUnavailableException e => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Part of the records cannot be reached.",
                Detail = e.Message,
                Extensions = { ["shard"] = e.Shard },
            },
            _ => null,
        };

        if (problem?.Status == StatusCodes.Status503ServiceUnavailable)
        {
            // A shard is usually back within minutes; clients may try again after this.
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        }

        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>
    /// What a request that could not be bound got wrong, without the value it sent: ASP.NET Core's own message quotes
    /// it ("Failed to bind parameter "int limit" from "..."."), and an answer should never echo what a client typed
    /// (a reflected script, or a patient's data in a log of responses).
    /// </summary>
    private static string Unechoed(BadHttpRequestException e)
    {
        if (FailedBinding().Match(e.Message) is { Success: true } match)
        {
            return $"The value of '{match.Groups["name"].Value}' is not valid.";
        }

        return e.Message.Contains("from \"", StringComparison.Ordinal) ? "A value of the request could not be read." : e.Message;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"[^\"]*? (?<name>[A-Za-z_][A-Za-z0-9_]*)\" from ")]
    private static partial System.Text.RegularExpressions.Regex FailedBinding();
}
