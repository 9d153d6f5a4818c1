using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Validation;
using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Api;
using MedicalPortal.Web.Authentication;
using MedicalPortal.Web.Fhir.Bulk;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Resource = Hl7.Fhir.Model.Resource;
using Task = System.Threading.Tasks.Task;

namespace MedicalPortal.Web.Fhir;

/// <summary>
/// HL7 FHIR R4 under <c>/fhir/r4</c>, read and search, JSON only (<c>application/fhir+json</c>, or <c>_format=json</c>):
/// the CapabilityStatement, <c>Patient</c> read and search by name, birth date and MRN across every shard, and a
/// patient's Encounters, vital-sign Observations, Conditions and Consents. Every call goes through the same Core
/// services as the JSON API, with the same bearer tokens, permission checks, read audit and cache; every error is an
/// OperationOutcome. Decision 0041.
/// </summary>
internal static class FhirEndpoints
{
    public const string Prefix = "/fhir/r4";

    public const string ContentType = "application/fhir+json";

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir();

    public static IEndpointRouteBuilder MapFhir(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup(Prefix).ExcludeFromDescription().WithMetadata(new RequestSizeLimitAttribute(ApiEndpoints.MaxBodyBytes));
        fhir.MapGet("/metadata", (HttpContext context, TimeProvider clock) => Answer(context, () => Task.FromResult<Resource>(Capabilities(context, clock))))
            .AllowAnonymous();

        var secured = fhir.MapGroup("").RequireAuthorization(ApiEndpoints.BearerOnly);
        secured.MapGet("/Patient/{id}", (HttpContext context, PatientService patients, ClaimsPrincipal user, string id, CancellationToken cancellationToken) =>
            Answer(context, async () => Guid.TryParse(id, out var patientId)
                ? FhirResources.Patient(await patients.GetAsync(PrincipalUser.From(user), patientId, cancellationToken))
                : throw new RecordNotFoundException(MedicalPortal.Core.Permissions.Resource.Patient)));
        secured.MapGet("/Patient", (HttpContext context, PatientService patients, ClaimsPrincipal user, CancellationToken cancellationToken) =>
            Answer(context, () => SearchPatientsAsync(context, patients, PrincipalUser.From(user), cancellationToken)));

        // A patient's visits, as Encounters, their vital signs as Observations, their diagnoses as Conditions.
        secured.MapGet("/Encounter", (HttpContext context, VisitService visits, ClaimsPrincipal user, CancellationToken cancellationToken) =>
            Answer(context, () => SearchVisitsAsync(context, visits, PrincipalUser.From(user), "Encounter",
                visit => [FhirResources.Encounter(visit)], cancellationToken)));
        secured.MapGet("/Observation", (HttpContext context, VisitService visits, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        {
            var codes = Codes(context.Request.Query["code"].FirstOrDefault());
            return Answer(context, () => SearchVisitsAsync(context, visits, PrincipalUser.From(user), "Observation",
                visit => FhirResources.Observations(visit).Where(o => codes is null || FhirResources.CodesOf(o).Any(codes.Contains)),
                cancellationToken));
        });
        secured.MapGet("/Condition", (HttpContext context, VisitService visits, ClaimsPrincipal user, CancellationToken cancellationToken) =>
            Answer(context, () => SearchVisitsAsync(context, visits, PrincipalUser.From(user), "Condition",
                FhirResources.Conditions, cancellationToken)));

        // A patient's consents to research studies (enrollments), current and withdrawn.
        secured.MapGet("/Consent", (HttpContext context, EnrollmentService enrollments, ClaimsPrincipal user, CancellationToken cancellationToken) =>
            Answer(context, async () =>
            {
                var patientId = PatientParameter(context.Request);
                var consents = await enrollments.ListForPatientAsync(PrincipalUser.From(user), patientId, cancellationToken);
                return Searchset(context, "Consent", consents.Select(e => (Resource)FhirResources.Consent(e)), nextCursor: null, []);
            }));

        // A study's anonymized release, in the Bulk Data pattern.
        secured.MapBulkExport();
        return app;
    }

    /// <summary>The base address of the FHIR endpoints as the caller reached them, such as https://portal/fhir/r4.</summary>
    public static string BaseUrl(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}";
    }

    /// <summary>An answer without a body (a refusal of authorization, a route not found) as an OperationOutcome.</summary>
    public static Task WriteStatusAsync(StatusCodeContext status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var response = status.HttpContext.Response;
        var (code, message) = response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => (OperationOutcome.IssueType.Login, "Send the bearer token of POST /api/v1/auth/login."),
            StatusCodes.Status403Forbidden => (OperationOutcome.IssueType.Forbidden, "This account may not do this."),
            StatusCodes.Status404NotFound => (OperationOutcome.IssueType.NotSupported, "This server has no such FHIR interaction."),
            StatusCodes.Status405MethodNotAllowed => (OperationOutcome.IssueType.NotSupported, "This server only reads and searches."),
            _ => (OperationOutcome.IssueType.Exception, $"The request could not be answered ({response.StatusCode})."),
        };
        response.ContentType = $"{ContentType}; fhirVersion=4.0; charset=utf-8";
        var outcome = FhirResources.Outcome(code, message);
        return response.WriteAsync(JsonSerializer.Serialize(outcome, Json), status.HttpContext.RequestAborted);
    }

    // Negotiates the format, runs the read, and turns Core's refusals into OperationOutcomes with their status.
    private static Task<IResult> Answer(HttpContext context, Func<Task<Resource>> read) =>
        AnswerAsync(context, async () => Written(context, await read(), StatusCodes.Status200OK));

    /// <summary>
    /// Runs <paramref name="answer"/> and turns Core's refusals into OperationOutcomes with their status; first, when
    /// <paramref name="negotiate"/>, answers 406 to a caller that does not take JSON.
    /// </summary>
    public static async Task<IResult> AnswerAsync(HttpContext context, Func<Task<IResult>> answer, bool negotiate = true)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(answer);
        if (negotiate && !AcceptsJson(context.Request))
        {
            return Written(context, FhirResources.Outcome(OperationOutcome.IssueType.NotSupported,
                "This server answers in JSON only: ask for application/fhir+json (or _format=json)."), StatusCodes.Status406NotAcceptable);
        }

        try
        {
            return await answer();
        }
        catch (AccessDeniedException e)
        {
            return Written(context, FhirResources.Outcome(
                e.IsAuthenticated ? OperationOutcome.IssueType.Forbidden : OperationOutcome.IssueType.Login, e.Message),
                e.IsAuthenticated ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized);
        }
        catch (RecordNotFoundException e)
        {
            return Written(context, FhirResources.Outcome(OperationOutcome.IssueType.NotFound, e.Message), StatusCodes.Status404NotFound);
        }
        catch (ValidationFailedException e)
        {
            var outcome = new OperationOutcome();
            foreach (var (field, messages) in e.Errors.ToDictionary())
            {
                foreach (var message in messages)
                {
                    outcome.Issue.Add(new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Error,
                        Code = OperationOutcome.IssueType.Invalid,
                        Diagnostics = message,
                        Expression = [field],
                    });
                }
            }

            return Written(context, outcome, StatusCodes.Status400BadRequest);
        }
        catch (ShardUnavailableException e)
        {
            context.Response.Headers.RetryAfter = "30";
            return Written(context, FhirResources.Outcome(OperationOutcome.IssueType.Transient, e.Message), StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>A FHIR resource as the answer, with its status.</summary>
    public static IResult Written(HttpContext context, Resource resource, int status) =>
        Results.Text(JsonSerializer.Serialize(resource, resource.GetType(), Json), $"{ContentType}; fhirVersion=4.0", System.Text.Encoding.UTF8, status);

    // JSON unless the caller asks for something else: _format wins over Accept, as the specification says.
    private static bool AcceptsJson(HttpRequest request)
    {
        if (request.Query["_format"].FirstOrDefault() is { Length: > 0 } format)
        {
            return format is "json" or "application/json" or ContentType || format.StartsWith(ContentType + ";", StringComparison.Ordinal);
        }

        var accepted = request.GetTypedHeaders().Accept;
        return accepted.Count == 0 || accepted.Any(a =>
            a.MediaType.Value is "*/*" or "application/*" or "application/json" or ContentType);
    }

    private static async Task<Resource> SearchPatientsAsync(HttpContext context, PatientService patients, ICurrentUser user, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var identifier = query["identifier"].FirstOrDefault() is { } token ? token[(token.IndexOf('|', StringComparison.Ordinal) + 1)..] : null;
        var terms = new[] { query["name"].FirstOrDefault(), identifier, query["birthdate"].FirstOrDefault() }
            .Where(t => !string.IsNullOrWhiteSpace(t));
        var search = PatientSearch.Parse(string.Join(' ', terms), query["_cursor"].FirstOrDefault(), Count(context.Request));
        var page = await patients.SearchAsync(user, search, cancellationToken);

        // An identifier names one record exactly; the search matched MRNs that start with it.
        var matches = page.Items.Where(p => identifier is null || p.Mrn == identifier).Select(p => (Resource)FhirResources.Patient(p));
        return Searchset(context, "Patient", matches, page.NextCursor, page.UnavailableShards);
    }

    // One page of a patient's visits (patient=, _count, _cursor), each turned into its resources of one type.
    private static async Task<Resource> SearchVisitsAsync(
        HttpContext context, VisitService visits, ICurrentUser user, string type, Func<VisitDto, IEnumerable<Resource>> resources,
        CancellationToken cancellationToken)
    {
        var patientId = PatientParameter(context.Request);
        var page = await visits.ListForPatientAsync(user, patientId, context.Request.Query["_cursor"].FirstOrDefault(), Count(context.Request), cancellationToken);
        return Searchset(context, type, page.Items.SelectMany(resources), page.NextCursor, page.UnavailableShards);
    }

    // A searchset Bundle of the matches, with its self link, a next link when there is a next page, and an outcome entry
    // when shards did not answer.
    private static Bundle Searchset(HttpContext context, string type, IEnumerable<Resource> matches, string? nextCursor, IReadOnlyList<string> unavailable)
    {
        var baseUrl = BaseUrl(context.Request);
        var query = context.Request.Query;
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Timestamp = now };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = $"{baseUrl}/{type}{context.Request.QueryString}" });
        if (nextCursor is { } cursor)
        {
            var next = query.Where(q => q.Key != "_cursor").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}")
                .Append($"_cursor={Uri.EscapeDataString(cursor)}");
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = $"{baseUrl}/{type}?{string.Join('&', next)}" });
        }

        foreach (var resource in matches)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{type}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        if (unavailable.Count > 0)
        {
            // The page is partial: say so in the bundle, as an OperationOutcome with mode "outcome".
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                Resource = FhirResources.Outcome(OperationOutcome.IssueType.Incomplete,
                    $"Some records could not be searched: {string.Join(", ", unavailable)} did not answer.", OperationOutcome.IssueSeverity.Warning),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        }

        return bundle;
    }

    // patient=Patient/{id} or patient={id}: whose records a search is of (required).
    private static Guid PatientParameter(HttpRequest request)
    {
        var value = request.Query["patient"].FirstOrDefault() ?? "";
        var id = value.StartsWith("Patient/", StringComparison.Ordinal) ? value["Patient/".Length..] : value;
        return Guid.TryParse(id, out var patientId)
            ? patientId
            : throw new ValidationFailedException("patient", "Name the patient whose records to search: patient=Patient/{id}.");
    }

    private static int? Count(HttpRequest request) =>
        request.Query["_count"].FirstOrDefault() is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ValidationFailedException("_count", "_count must be a whole number.")
            : null;

    // code=8480-6 or code=http://loinc.org|8480-6, several separated by commas; null when the search names none.
    private static HashSet<string>? Codes(string? parameter) =>
        string.IsNullOrWhiteSpace(parameter)
            ? null
            : parameter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(token => token[(token.IndexOf('|', StringComparison.Ordinal) + 1)..])
                .ToHashSet(StringComparer.Ordinal);

    private static CapabilityStatement Capabilities(HttpContext context, TimeProvider clock) => new()
    {
        Status = PublicationStatus.Active,
        Date = clock.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Kind = CapabilityStatementKind.Instance,
        Software = new CapabilityStatement.SoftwareComponent { Name = "MedicalPortal" },
        Implementation = new CapabilityStatement.ImplementationComponent { Description = "MedicalPortal FHIR R4", Url = BaseUrl(context.Request) },
        FhirVersion = FHIRVersion.N4_0_1,
        Instantiates = ["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"],
        Format = ["json", ContentType],
        Rest =
        [
            new CapabilityStatement.RestComponent
            {
                Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                Security = new CapabilityStatement.SecurityComponent
                {
                    Description = "Every resource needs the bearer token of POST /api/v1/auth/login; what it may read is the account's role's.",
                },
                Resource =
                [
                    new CapabilityStatement.ResourceComponent
                    {
                        Type = "Patient",
                        Interaction =
                        [
                            new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                            new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
                        ],
                        SearchParam =
                        [
                            SearchParam("name", SearchParamType.String, "Start of the given or the family name."),
                            SearchParam("birthdate", SearchParamType.Date, "The birth date, yyyy-mm-dd."),
                            SearchParam("identifier", SearchParamType.Token, $"The MRN ({FhirResources.MrnSystem})."),
                        ],
                    },
                    SearchOnly("Encounter", "The patient's visits."),
                    SearchOnly("Observation", "The vital signs of the patient's visits, in LOINC.", SearchParam("code", SearchParamType.Token, "LOINC codes, comma separated.")),
                    SearchOnly("Condition", "The ICD-10 diagnoses of the patient's visits."),
                    SearchOnly("Consent", "The patient's consents to research studies."),
                    new CapabilityStatement.ResourceComponent
                    {
                        Type = "Group",
                        Documentation = "A research study's consenting participants: $export gives the study's anonymized release as NDJSON (Bulk Data).",
                        Operation =
                        [
                            new CapabilityStatement.OperationComponent
                            {
                                Name = "export",
                                Definition = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export",
                            },
                        ],
                    },
                ],
            },
        ],
    };

    // A resource searched by patient (and the extra parameters given), never read on its own.
    private static CapabilityStatement.ResourceComponent SearchOnly(string type, string documentation, params CapabilityStatement.SearchParamComponent[] more) => new()
    {
        Type = type,
        Documentation = documentation,
        Interaction = [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType }],
        SearchParam = [SearchParam("patient", SearchParamType.Reference, "The patient (required): Patient/{id}."), .. more],
    };

    private static CapabilityStatement.SearchParamComponent SearchParam(string name, SearchParamType type, string documentation) =>
        new() { Name = name, Type = type, Documentation = documentation };
}
