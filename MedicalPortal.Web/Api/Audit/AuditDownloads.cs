using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Validation;
using MedicalPortal.Web.Api.Export;
using MedicalPortal.Web.Authentication;

namespace MedicalPortal.Web.Api.Audit;

/// <summary>
/// The filtered audit trail as CSV, for the signed-in browser (the Audit trail page's "Download CSV"). Every page of
/// entries it reads is recorded like a page on screen, naming its filters and the patients it shows: the file is
/// itself an audited read.
/// </summary>
internal static class AuditDownloads
{
    public const string Path = $"{ExportEndpoints.DownloadsPrefix}/audit.csv";

    public static void MapAuditDownloads(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, DownloadAsync).RequireAuthorization().ExcludeFromDescription();

    /// <summary>The download link for <paramref name="query"/>'s filters (its cursor and page size are not part of it).</summary>
    public static string Link(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parameters.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("patientId", query.PatientId?.ToString("D"));
        Add("actor", query.Actor);
        Add("resource", query.Resource?.ToString());
        Add("resourceId", query.ResourceId);
        Add("action", query.Action?.ToString());
        Add("from", query.From?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("to", query.To?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        return parameters.Count == 0 ? Path : $"{Path}?{string.Join('&', parameters)}";
    }

    private static async Task<IResult> DownloadAsync(
        AuditService audit,
        ClaimsPrincipal principal,
        TimeProvider clock,
        Guid? patientId,
        string? actor,
        Resource? resource,
        string? resourceId,
        AuditAction? action,
        DateTimeOffset? from,
        DateTimeOffset? to,
        CancellationToken cancellationToken)
    {
        var user = PrincipalUser.From(principal);
        var query = new AuditQuery
        {
            PatientId = patientId,
            Actor = actor,
            Resource = resource,
            ResourceId = resourceId,
            Action = action,
            From = from,
            To = to,
            Limit = PageLimits.Max,
        };

        // The first page is read before the first byte: a refusal or a bad filter is still an ordinary answer.
        AuditTrailPage first;
        try
        {
            first = await audit.ReadTrailAsync(user, query, cancellationToken);
        }
        catch (AccessDeniedException)
        {
            return TypedResults.Forbid();
        }
        catch (ValidationFailedException e)
        {
            return TypedResults.ValidationProblem(e.Errors.ToDictionary());
        }

        var fileName = $"audit-trail-{clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.csv";
        return TypedResults.Stream(
            output => AuditCsv.WriteAsync(output, PagesAsync(audit, user, query, first, cancellationToken), cancellationToken),
            ExportEndpoints.CsvContentType,
            fileName);
    }

    private static async IAsyncEnumerable<AuditTrailPage> PagesAsync(
        AuditService audit, ICurrentUser user, AuditQuery query, AuditTrailPage first, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = first;
        yield return page;
        while (page.Entries.NextCursor is { } cursor)
        {
            page = await audit.ReadTrailAsync(user, query with { Cursor = cursor }, cancellationToken);
            yield return page;
        }
    }
}
