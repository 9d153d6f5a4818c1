using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using MedicalPortal.Web.Api.Auth;
using MedicalPortal.Web.Api.Patients;
using MedicalPortal.Web.Api.Studies;
using MedicalPortal.Web.Api.Visits;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace MedicalPortal.Web.Api;

/// <summary>
/// The OpenAPI document of the JSON API at <c>/openapi/v1.json</c>, written for a client generator to trust: who to
/// ask (contact) and under which terms (licence), the bearer scheme and which operations need it, every problem an
/// operation can answer (<see cref="ApiProblems"/>), an operation id for each (the endpoints' names), a description for
/// each tag, an example of each main body, and a server address without a trailing slash. test.sh lints it with
/// Redocly (tests/MedicalPortal.Web.Tests/Api/OpenApiDocumentTests) and a C# client is generated from it with Kiota.
/// </summary>
internal static class ApiDocument
{
    /// <summary>The name of the bearer security scheme in the document's components.</summary>
    public const string BearerScheme = "bearer";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Authentication", "Sign in for an access token (send it as `Authorization: Bearer <token>`), refresh it once, sign out, or register as a patient."),
        ("Patients", "Patients on every shard: search across all of them, register, read, correct, delete, and their visits."),
        ("Visits", "One visit: read, correct (with the version read), delete."),
        ("Studies", "Medical studies and the patients' consents (enrollments) to them."),
        ("Export", "A study's anonymized data as CSV (Safe Harbor and k-anonymity), and its scheduled extractions; every download is audited."),
        ("Accounts", "Staff accounts and patients' online accounts: open, change role, lock, reset password, delete."),
        ("Roles", "The permission matrix: which role may create, retrieve, update or delete which kind of record."),
        ("Audit", "The tamper-evident audit trail: query it (itself an audited read) and check its chains."),
        ("Service", "The API itself."),
    ];

    public static IServiceCollection AddApiDocument(this IServiceCollection services)
    {
        services.AddOptions<ApiDocumentOptions>().BindConfiguration(ApiDocumentOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return services.AddOpenApi(options =>
        {
            // The document describes the JSON API only, not the Identity form endpoints of the UI.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, context, _) =>
            {
                Describe(document, context.ApplicationServices.GetRequiredService<IOptions<ApiDocumentOptions>>().Value);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                RequireBearerWhereNeeded(operation, context);
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
                {
                    schema.Examples = [JsonNode.Parse(example)!];
                }

                return Task.CompletedTask;
            });
        });
    }

    private static void Describe(OpenApiDocument document, ApiDocumentOptions settings)
    {
        document.Info.Title = "MedicalPortal API";
        document.Info.Version = "v1";
        document.Info.Description =
            "Patients, visits, studies and their consents across every database shard, the permission matrix, staff accounts " +
            "and the audit trail. Sign in with `POST /api/v1/auth/login` and send the access token as a bearer token. Errors " +
            "are RFC 9457 problem details; a 400 lists each field in error under `errors`. Lists are paged with an opaque `cursor`.";
        document.Info.Contact = new OpenApiContact
        {
            Name = settings.ContactName,
            Email = settings.ContactEmail,
            Url = settings.ContactUrl is { } url ? new Uri(url) : null,
        };
        document.Info.License = new OpenApiLicense { Name = settings.LicenseName, Identifier = settings.LicenseIdentifier };

        // A client appends paths to the server's address: "http://host/" would make "http://host//api/...".
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The access token from `POST /api/v1/auth/login` (or `/auth/refresh`), as `Authorization: Bearer <token>`.",
        };
    }

    // Every operation says whether it needs the bearer token: those that do name the scheme, the others an empty list.
    private static void RequireBearerWhereNeeded(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var secured = !metadata.OfType<IAllowAnonymous>().Any()
            && (metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any());
        operation.Security = secured
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }]
            : [];
        operation.Tags ??= new HashSet<OpenApiTagReference>();
        if (operation.Tags.Count == 0)
        {
            operation.Tags.Add(new OpenApiTagReference("Service", context.Document));
        }
    }

    /// <summary>An example of each main body, with synthetic values only.</summary>
    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(PatientRequest)] = """
            {"givenName":"Ada","familyName":"Example","birthDate":"1980-01-02","sex":"female","phone":"555 010 1234",
             "email":"ada.example@example.com","addressLine":"1 Test Street","city":"Springfield","state":"IL","postalCode":"62704"}
            """,
        [typeof(VisitRequest)] = """
            {"startedAt":"2026-03-04T09:30:00Z","type":"checkup","clinician":"Dr. Test Clinician","reason":"Annual check",
             "heightCm":172.5,"weightKg":70.2,"systolic":121,"diastolic":79,"heartRate":64,"temperatureC":36.8,
             "diagnosisCodes":["I10"],"notes":"No complaints."}
            """,
        [typeof(StudyRequest)] = """
            {"title":"Blood pressure in primary care","description":"Home and clinic readings compared.",
             "principalInvestigator":"Dr. Test Investigator","status":"recruiting","startDate":"2026-01-01","endDate":"2027-12-31"}
            """,
        [typeof(EnrollmentRequest)] = """{"patientId":"0198f0a0-2026-7000-8000-000000000001","consentedAt":"2026-02-03T10:00:00Z"}""",
        [typeof(AuthEndpoints.LoginRequest)] = """{"email":"doctor@clinic.test","password":"a long passphrase"}""",
    };
}

/// <summary>What the OpenAPI document says about who answers for the API and under which terms (<c>Api:*</c>).</summary>
public sealed class ApiDocumentOptions
{
    public const string SectionName = "Api";

    [Required]
    public string ContactName { get; set; } = "The clinic's IT department";

    [EmailAddress]
    public string? ContactEmail { get; set; }

    /// <summary>An absolute http(s) address, such as the IT department's service desk.</summary>
    [Url]
    public string? ContactUrl { get; set; }

    [Required]
    public string LicenseName { get; set; } = "Proprietary: for the clinic that runs this portal";

    /// <summary>An SPDX licence expression (a <c>LicenseRef-</c> for the clinic's own terms).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9.+()-]+( (AND|OR|WITH) [A-Za-z0-9.+()-]+)*$", ErrorMessage = "Api:LicenseIdentifier must be an SPDX licence expression, such as LicenseRef-MedicalPortal-Proprietary or MIT.")]
    public string LicenseIdentifier { get; set; } = "LicenseRef-MedicalPortal-Proprietary";
}
