using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Hl7.Fhir.Model;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Validation;
using MedicalPortal.Web.Authentication;
using Resource = MedicalPortal.Core.Permissions.Resource;
using Task = System.Threading.Tasks.Task;

namespace MedicalPortal.Web.Fhir.Bulk;

/// <summary>
/// The FHIR Bulk Data export of a study's anonymized release (decision 0042), in the specification's asynchronous
/// pattern: <c>GET Group/{study id}/$export</c> with <c>Prefer: respond-async</c> answers 202 and a
/// <c>Content-Location</c> to poll; the poll answers 202 with <c>X-Progress</c> while it runs, then the manifest of the
/// NDJSON files, which only the account that asked may fetch; <c>DELETE</c> on it cancels or deletes the export.
/// </summary>
internal static class BulkExportEndpoints
{
    public const string NdjsonContentType = "application/fhir+ndjson";

    private static readonly string[] OutputFormats = [NdjsonContentType, "application/ndjson", "ndjson"];

    // The kick-off parameters of the specification this server does not offer, each with the reason it gives.
    private static readonly Dictionary<string, string> Unsupported = new(StringComparer.Ordinal)
    {
        ["_since"] = "A study's release is always whole (k-anonymity is computed over every participant); the scheduled extraction delivers what is new.",
        ["_until"] = "A study's release is always whole (k-anonymity is computed over every participant).",
        ["_typeFilter"] = "This export is a study's whole release; ask for types with _type.",
        ["_elements"] = "This export is a study's whole release; its resources hold only what the release publishes already.",
        ["patient"] = "This export is a study's whole release: patients are not named in it.",
        ["includeAssociatedData"] = "This export has no associated data to include.",
    };

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web);

    public static void MapBulkExport(this IEndpointRouteBuilder secured)
    {
        secured.MapGet("/Group/{id}/$export", KickOffAsync);
        secured.MapGet("/bulk/{jobId:guid}", StatusAsync);
        secured.MapDelete("/bulk/{jobId:guid}", CancelAsync);
        secured.MapGet("/bulk/{jobId:guid}/{type}.ndjson", FileAsync);
    }

    /// <summary>Where the status of a job is polled.</summary>
    public static string StatusUrl(HttpRequest request, Guid jobId) => $"{FhirEndpoints.BaseUrl(request)}/bulk/{jobId:D}";

    private static Task<IResult> KickOffAsync(
        HttpContext context, BulkExports bulk, ClaimsPrincipal principal, string id, CancellationToken cancellationToken) =>
        FhirEndpoints.AnswerAsync(context, async () =>
        {
            // Whether the account may export at all comes first: one that may not learns nothing else.
            var user = PrincipalUser.From(principal);
            await bulk.AuthorizeAsync(user, cancellationToken);
            var request = context.Request;
            var types = KickOffParameters(request);
            if (!Guid.TryParse(id, out var studyId))
            {
                throw new RecordNotFoundException(Resource.MedicalStudy);
            }

            try
            {
                var requestUrl = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}";
                var job = await bulk.StartAsync(user, studyId, types, requestUrl, cancellationToken);
                context.Response.Headers.ContentLocation = StatusUrl(request, job.Id);
                return FhirEndpoints.Written(context, FhirResources.Outcome(OperationOutcome.IssueType.Informational,
                    "The export has started: poll the Content-Location for its files.", OperationOutcome.IssueSeverity.Information),
                    StatusCodes.Status202Accepted);
            }
            catch (BulkExportBusyException e)
            {
                context.Response.Headers.RetryAfter = "30";
                return FhirEndpoints.Written(context, FhirResources.Outcome(OperationOutcome.IssueType.Throttled,
                    $"{e.Message} Its status: {StatusUrl(request, e.RunningJobId)}"), StatusCodes.Status429TooManyRequests);
            }
        });

    private static Task<IResult> StatusAsync(
        HttpContext context, BulkExports bulk, ClaimsPrincipal principal, Guid jobId, CancellationToken cancellationToken) =>
        FhirEndpoints.AnswerAsync(context, async () =>
        {
            var job = await bulk.FindAsync(PrincipalUser.From(principal), jobId, cancellationToken);
            var headers = context.Response.Headers;
            switch (job.Status)
            {
                case BulkExportStatus.Running:
                    headers["X-Progress"] = $"in progress: {job.Resources.ToString("N0", CultureInfo.InvariantCulture)} resources written";
                    headers.RetryAfter = "2";
                    return Results.StatusCode(StatusCodes.Status202Accepted);
                case BulkExportStatus.Failed:
                    return FhirEndpoints.Written(context, FhirResources.Outcome(
                        job.Transient ? OperationOutcome.IssueType.Transient : OperationOutcome.IssueType.Exception, job.Error ?? "The export failed."),
                        StatusCodes.Status500InternalServerError);
                default:
                    headers.Expires = bulk.ExpiresAt(job).ToString("R", CultureInfo.InvariantCulture);
                    return Results.Json(Manifest(context.Request, job), ManifestJson, "application/json");
            }
        });

    private static Task<IResult> CancelAsync(
        HttpContext context, BulkExports bulk, ClaimsPrincipal principal, Guid jobId, CancellationToken cancellationToken) =>
        FhirEndpoints.AnswerAsync(context, async () =>
        {
            await bulk.CancelAsync(PrincipalUser.From(principal), jobId, cancellationToken);
            return FhirEndpoints.Written(context, FhirResources.Outcome(OperationOutcome.IssueType.Informational,
                "The export is cancelled and its files deleted.", OperationOutcome.IssueSeverity.Information), StatusCodes.Status202Accepted);
        }, negotiate: false);

    // A file is NDJSON whatever the caller accepts; refusals are still OperationOutcomes.
    private static Task<IResult> FileAsync(
        HttpContext context, BulkExports bulk, ClaimsPrincipal principal, Guid jobId, string type, CancellationToken cancellationToken) =>
        FhirEndpoints.AnswerAsync(context, async () =>
        {
            var job = await bulk.FindAsync(PrincipalUser.From(principal), jobId, cancellationToken);
            var file = bulk.OpenFile(job, type) ?? throw new RecordNotFoundException(Resource.Export);
            return Results.Stream(file, NdjsonContentType);
        }, negotiate: false);

    // _outputFormat must be NDJSON; _type picks among the release's types; the parameters this export cannot honour
    // are refused, each with its reason, rather than ignored.
    private static IReadOnlyList<string> KickOffParameters(HttpRequest request)
    {
        if (!request.Headers["Prefer"].Any(p => p?.Split(',').Any(t => t.Trim() == "respond-async") == true))
        {
            throw new ValidationFailedException("Prefer", "A Bulk Data export is asynchronous: send the header Prefer: respond-async.");
        }

        var query = request.Query;
        if (query.Keys.FirstOrDefault(Unsupported.ContainsKey) is { } unsupported)
        {
            throw new ValidationFailedException(unsupported, $"{unsupported} is not supported here. {Unsupported[unsupported]}");
        }

        // An unencoded "+" in the query arrives as a space: application/fhir ndjson is what the caller meant.
        if (query["_outputFormat"].FirstOrDefault() is { } format && !OutputFormats.Contains(format.Replace(' ', '+')))
        {
            throw new ValidationFailedException("_outputFormat", $"This server writes NDJSON only: _outputFormat={NdjsonContentType}.");
        }

        var asked = query["_type"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (asked.FirstOrDefault(t => !NdjsonRelease.Types.Contains(t)) is { } unknown)
        {
            throw new ValidationFailedException("_type",
                $"A study's release holds {string.Join(", ", NdjsonRelease.Types)}; it has no {unknown}.");
        }

        return asked.Length == 0 ? NdjsonRelease.Types : [.. NdjsonRelease.Types.Where(asked.Contains)];
    }

    private static BulkManifest Manifest(HttpRequest request, BulkExportJob job) => new(
        job.TransactionTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        job.Request,
        RequiresAccessToken: true,
        [.. job.Types.Where(job.Output.ContainsKey)
            .Select(t => new BulkManifestFile(t, $"{StatusUrl(request, job.Id)}/{NdjsonRelease.FileName(t)}", job.Output[t]))],
        Error: []);

    /// <summary>The completion manifest of the Bulk Data specification.</summary>
    private sealed record BulkManifest(
        string TransactionTime, string Request, bool RequiresAccessToken, IReadOnlyList<BulkManifestFile> Output, IReadOnlyList<BulkManifestFile> Error);

    private sealed record BulkManifestFile(string Type, string Url, int Count);
}
