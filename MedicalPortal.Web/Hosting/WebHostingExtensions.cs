using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using MedicalPortal.Core.Audit;
using MedicalPortal.Data;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Health;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Api;
using MedicalPortal.Web.Api.Audit;
using MedicalPortal.Web.Api.Auth;
using MedicalPortal.Web.Api.Export;
using MedicalPortal.Web.Appearance;
using MedicalPortal.Web.Authentication;
using MedicalPortal.Web.Components;
using MedicalPortal.Web.Components.Account;
using MedicalPortal.Web.Fhir;
using MedicalPortal.Web.Fhir.Bulk;
using MedicalPortal.Web.Jobs;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MedicalPortal.Web.Hosting;

public static class WebHostingExtensions
{
    /// <summary>The Blazor UI, Identity (cookie for the UI, bearer tokens for the API), the API and health checks.</summary>
    public static IHostApplicationBuilder AddMedicalPortalWeb(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSignInThrottling();
        ConfigureBehindTheBalancer(services, builder.Environment);
        services.AddOptions<ClinicOptions>().BindConfiguration(ClinicOptions.SectionName)
            .Validate(o => string.IsNullOrWhiteSpace(o.TimeZone) || TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _),
                $"{ClinicOptions.SectionName}:TimeZone must be an IANA time zone such as America/Chicago.")
            .ValidateOnStart();
        services.AddSingleton<ClinicClock>();
        services.AddHostedService<ScheduledExtraction>();
        services.AddFhirBulkExport();
        services.AddAuditAnchoring();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<CircuitActivity>();
        services.AddScoped<CircuitHandler, ActivityCircuitHandler>();
        services.AddTransient<IClaimsTransformation, AccountStatusClaimsTransformation>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, RevokedSessionResultHandler>();
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddBearerToken(IdentityConstants.BearerScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiSignInHandler>(ApiSignInHandler.SchemeName, configureOptions: null)
            .AddIdentityCookies();
        services.AddSingleton<ApiTokens>();

        // The cookie's session ends on the server after Security:IdleTimeoutMinutes without a request and
        // Security:SessionHours after its sign-in (SessionLifetime); an open tab keeps it alive while its user works, and
        // signs out by itself when idle (IdleSignOutTimer). Revocation is the security stamp's.
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<SecurityOptions>>((options, security) =>
            {
                options.ExpireTimeSpan = TimeSpan.FromHours(security.Value.SessionHours);
                options.SlidingExpiration = false;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                SessionLifetime.Apply(options.Events, security.Value);
                ColorSchemes.FollowAccountOnSignIn(options.Events);
            });
        services.AddOptions<BearerTokenOptions>(IdentityConstants.BearerScheme)
            .Configure<IOptions<SecurityOptions>>((bearer, security) =>
                bearer.BearerTokenExpiration = TimeSpan.FromMinutes(security.Value.AccessTokenMinutes))
            // After the handler's own configuration has made the protector: what it decrypts is remembered for a while.
            .PostConfigure<TimeProvider>((bearer, clock) =>
                bearer.BearerTokenProtector = new CachedTicketFormat(bearer.BearerTokenProtector, clock));
        services.AddAuthorization();

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                // Passwords are judged by Core's PasswordPolicy (PortalPasswordValidator replaces Identity's rules).
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedAccount = false;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
            })
            .AddPortalIdentityStores()
            .AddSignInManager<PortalSignInManager>()
            .AddDefaultTokenProviders();
        services.AddSingleton<IEmailSender<ApplicationUser>, IdentityNoOpEmailSender>();
        services.AddPortalAccountSecurity();

        services.ConfigureHttpJsonOptions(options => ConfigureJson(options.SerializerOptions));

        // A malformed body throws, so ApiExceptionHandler answers with a problem that names the bad field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddExceptionHandler<UnreadableRequestHandler>();
        services.AddApiDocument();
        services.AddHealthChecks().AddCheck<StoppingHealthCheck>("node", tags: ["ready"]).AddMedicalPortalDatabases();

        // Cache hits, misses and errors and the HTTP server's own metrics, exported over OTLP when a collector is
        // configured (OTEL_EXPORTER_OTLP_ENDPOINT, as every OpenTelemetry SDK reads it).
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("MedicalPortal"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(PortalMeters.Cache).AddAspNetCoreInstrumentation();
                if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
                {
                    metrics.AddOtlpExporter();
                }
            });
        return builder;
    }

    /// <summary>
    /// Behind a load balancer that ends TLS (ARCHITECTURE.md section 11): the client's address and scheme come from the
    /// forwarded headers of known proxies only; outside Development every cookie is Secure (the browser speaks HTTPS
    /// to the balancer, whatever the node sees) and HSTS keeps browsers on HTTPS for a year.
    /// </summary>
    private static void ConfigureBehindTheBalancer(IServiceCollection services, IHostEnvironment environment)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            if (proxy.Value.KnownProxies.Count + proxy.Value.KnownNetworks.Count > 0)
            {
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (var address in proxy.Value.KnownProxies)
                {
                    forwarded.KnownProxies.Add(IPAddress.Parse(address));
                }

                foreach (var network in proxy.Value.KnownNetworks)
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            }
        });

        // Nothing the portal takes is large (the API's own limit is lower still): a bigger body is refused, not parsed.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = 1024 * 1024);

        var secure = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        services.Configure<CookiePolicyOptions>(options => options.Secure = secure);
        services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));
    }

    /// <summary>The JSON contract of ARCHITECTURE.md section 12: camelCase, enums in kebab-case (follow-up), ISO dates.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
    }

    /// <summary>
    /// Migrates the catalog and the shards, loads the shard map and, in Development, seeds the demo data. A shard that
    /// does not answer does not stop the node: it serves the others, and that shard once it answers.
    /// </summary>
    public static async Task PrepareDatabasesAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);

        // The host checks the configuration when it starts, which is after this: checked first, a missing or bad
        // setting (such as a key) stops the portal, naming it, before anything is written.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        var databases = app.Services.GetRequiredService<IDatabaseInitializer>();
        await databases.InitializeServingAsync(cancellationToken);

        var demo = app.Services.GetRequiredService<IOptions<DemoOptions>>().Value;
        if (app.Environment.IsDevelopment() && demo.Seed && await databases.MigrateWaitingShardsAsync(cancellationToken) is [])
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IDataSeeder>().SeedDemoAsync(demo.Password, cancellationToken);
        }
    }

    public static WebApplication UseMedicalPortal(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // First, so that everything after sees the client's address and scheme (from known proxies only).
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            // TLS ends at the load balancer (ARCHITECTURE.md section 11); HSTS tells browsers to stay on HTTPS.
            app.UseHsts();
        }

        app.UseCookiePolicy();
        app.UseSecurityHeaders();
        app.UseColorSchemeHints();

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/Error",
            CreateScopeForErrors = true,
            AllowStatusCode404Response = true,
        });

        // Pages get the portal's not-found page. The API answers with problem details instead: its branch switches
        // the page re-execution off for its requests and writes the problem itself.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(ApiEndpoints.Prefix),
            api =>
            {
                api.Use((context, next) =>
                {
                    context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
                    return next(context);
                });
                api.UseStatusCodePages();
            });

        // FHIR answers every error with an OperationOutcome, those of authorization (401, 403) included.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(FhirEndpoints.Prefix),
            fhir =>
            {
                fhir.Use((context, next) =>
                {
                    context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
                    return next(context);
                });
                fhir.UseStatusCodePages(new StatusCodePagesOptions { HandleAsync = FhirEndpoints.WriteStatusAsync });
            });

        // Before anything looks at a password or a token: too many attempts never reach the endpoints.
        app.UseSignInThrottling();

        // Explicitly after the status code pages, so a 401 or 403 from authorization gets its problem details.
        app.UseAuthentication();

        // What a request changes through Identity's own managers rather than Core's services (the account pages: a
        // password change, a failed sign-in counting towards lockout) is attributed to the signed-in caller, or to
        // "anonymous": the request's catalog context names this actor when it saves.
        app.Use((context, next) =>
        {
            context.RequestServices.GetRequiredService<IdentityActor>().Actor = AuditActor.Of(PrincipalUser.From(context.User));
            return next(context);
        });

        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();

        app.MapApi();
        app.MapExportDownloads();
        app.MapAuditDownloads();
        app.MapColorSchemePreference();
        app.MapFhir();
        // The API's description is for integrators: outside Development, for signed-in callers only.
        var openApi = app.MapOpenApi();
        if (!app.Environment.IsDevelopment())
        {
            openApi.RequireAuthorization(new AuthorizeAttribute
            {
                AuthenticationSchemes = $"{IdentityConstants.BearerScheme},{IdentityConstants.ApplicationScheme}",
            });
        }
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        return app;
    }
}
