using System.Globalization;
using System.Security.Claims;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalPortal.Web.Api.Export;

/// <summary>
/// The anonymized export of a study (ARCHITECTURE.md section 9): streamed from the shards straight into the response, and
/// the files of the scheduled extraction. The API maps them under <c>/api/v1</c> for bearer tokens; the UI maps the
/// same downloads under <c>/downloads</c> for its cookie, so that a plain link in the browser downloads the file.
/// </summary>
internal static class ExportEndpoints
{
    public const string CsvContentType = "text/csv; charset=utf-8";

    /// <summary>Where the UI's download links point (cookie-authenticated).</summary>
    public const string DownloadsPrefix = "/downloads";

    public static void MapExportEndpoints(this IEndpointRouteBuilder api)
    {
        var studies = api.MapGroup("/studies").WithTags("Export");
        studies.MapGet("/{id:guid}/export.csv", DownloadAsync).WithName("DownloadStudyExport").ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("The study's anonymized export as CSV, streamed; recorded in the audit trail.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        studies.MapGet("/{id:guid}/extractions", ListExtractionsAsync).WithName("ListExtractions")
            .WithSummary("The scheduled extractions of the study, newest first, with row counts and SHA-256.");
        studies.MapGet("/{id:guid}/extractions/{runId:guid}.csv", ExtractionFileAsync).WithName("DownloadExtraction")
            .WithSummary("The file of one completed extraction; recorded in the audit trail.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
    }

    /// <summary>The same downloads for the signed-in browser: refusals become the sign-in or not-found page.</summary>
    public static void MapExportDownloads(this IEndpointRouteBuilder app)
    {
        var studies = app.MapGroup($"{DownloadsPrefix}/studies").RequireAuthorization().ExcludeFromDescription();
        studies.MapGet("/{id:guid}/export.csv", async (ExportService exports, ClaimsPrincipal user, Guid id, TimeProvider clock, CancellationToken cancellationToken) =>
            await AsPage(() => DownloadAsync(exports, user, id, clock, cancellationToken)));
        studies.MapGet("/{id:guid}/extractions/{runId:guid}.csv", async (ExportService exports, IExtractionFileStore files, ClaimsPrincipal user, Guid id, Guid runId, CancellationToken cancellationToken) =>
            await AsPage(() => ExtractionFileAsync(exports, files, user, id, runId, cancellationToken)));
    }

    public static string DownloadLink(Guid studyId) => $"{DownloadsPrefix}/studies/{studyId:D}/export.csv";

    public static string ExtractionLink(ExtractionRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return $"{DownloadsPrefix}/studies/{run.StudyId:D}/extractions/{run.Id:D}.csv";
    }

    private static async Task<IResult> DownloadAsync(
        ExportService exports, ClaimsPrincipal principal, Guid id, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Refusals and unknown studies are answered before the first byte; after it, the response is the CSV.
        var user = PrincipalUser.From(principal);
        await exports.AuthorizeDownloadAsync(user, id, cancellationToken);
        var fileName = $"study-{id:D}-{clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.csv";
        return TypedResults.Stream(
            output => exports.DownloadAsync(user, id, output, cancellationToken),
            CsvContentType,
            fileName);
    }

    private static async Task<Ok<ListResponse<ExtractionRun>>> ListExtractionsAsync(
        ExportService exports, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResponse<ExtractionRun>(await exports.HistoryAsync(PrincipalUser.From(user), id, cancellationToken)));

    private static async Task<IResult> ExtractionFileAsync(
        ExportService exports, IExtractionFileStore files, ClaimsPrincipal user, Guid id, Guid runId, CancellationToken cancellationToken)
    {
        var caller = PrincipalUser.From(user);
        var run = await exports.FindExtractionAsync(caller, id, runId, cancellationToken);
        var path = files.Find(run) ?? throw new RecordNotFoundException(Resource.Export);
        await exports.RecordExtractionDownloadAsync(caller, run, cancellationToken);
        return TypedResults.PhysicalFile(path, CsvContentType, $"study-{id:D}-{run.FileName}");
    }

    private static async Task<IResult> AsPage(Func<Task<IResult>> download)
    {
        try
        {
            return await download();
        }
        catch (AccessDeniedException)
        {
            return TypedResults.Forbid();
        }
        catch (RecordNotFoundException)
        {
            return TypedResults.NotFound();
        }
    }
}
