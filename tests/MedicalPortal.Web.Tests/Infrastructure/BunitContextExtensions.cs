using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using MedicalPortal.Core;
using MedicalPortal.Data;
using MedicalPortal.Data.Identity;
using MedicalPortal.Testing;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>The one way component tests get their services: the real Core and Data on real SQLite files.</summary>
public static class BunitContextExtensions
{
    /// <summary>
    /// Wires the real Core and Data services, and Identity's account store, to a fresh catalog and two shards in a
    /// temporary folder (deleted when the context is disposed) and initializes them; adds MudBlazor, the clinic clock (UTC), loose JS interop, an
    /// interactive Server renderer, and a signed-in user holding <paramref name="roles"/>.
    /// </summary>
    public static Task<BunitAuthorizationContext> AddTestServicesAsync(this BunitContext context, params string[] roles) =>
        context.AddTestServicesAsync(configure: null, roles);

    /// <summary>The same, with <paramref name="configure"/> run after the portal's registrations (to wrap one of them).</summary>
    public static async Task<BunitAuthorizationContext> AddTestServicesAsync(
        this BunitContext context, Action<IServiceCollection>? configure, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(context);
        var directory = TestDatabaseSettings.NewDirectory();
        var services = context.Services;

        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(TestDatabaseSettings.For(directory)).Build());
        services.AddSingleton<IHostEnvironment>(new TestHostEnvironment(directory));
        services.AddSingleton(_ => new TemporaryFolder(directory));
        services.AddLogging(logging => logging.AddLogCapture());
        services.AddMedicalPortalCore();
        services.AddMedicalPortalData();
        services.AddIdentityCore<ApplicationUser>(options => options.Password.RequiredLength = 12).AddPortalIdentityStores();
        services.AddMudServices();
        services.AddSingleton(Options.Create(new ClinicOptions { TimeZone = "UTC" }));
        services.AddSingleton<ClinicClock>();
        configure?.Invoke(services);

        var authorization = context.AddAuthorization();
        authorization.SetAuthorized("test.user@clinic.test");
        authorization.SetRoles(roles);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, "test-account-0001"));

        // Both resolve the renderer, which locks the service collection: they come after every registration.
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        // Resolved first, so the provider disposes it last: after every context that held a file open.
        services.GetRequiredService<TemporaryFolder>();
        await services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(CancellationToken.None);
        return authorization;
    }

    /// <summary>
    /// Renders <typeparamref name="TPage"/> with <paramref name="parameters"/> next to the providers MainLayout renders
    /// (popovers, dialogs, snackbars), so the dialogs it opens and the messages it shows are in the markup.
    /// </summary>
    public static IRenderedComponent<IComponent> RenderInLayout<TPage>(this BunitContext context, params (string Name, object? Value)[] parameters)
        where TPage : IComponent
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parameters);
        return context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<MudSnackbarProvider>(2);
            builder.CloseComponent();
            builder.OpenComponent<TPage>(3);
            foreach (var (name, value) in parameters)
            {
                builder.AddComponentParameter(4, name, value);
            }

            builder.CloseComponent();
        });
    }

    private sealed class TestHostEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;

        public string ApplicationName { get; set; } = "MedicalPortal.Web.Tests";

        public string ContentRootPath { get; set; } = contentRoot;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private sealed class TemporaryFolder(string path) : IDisposable
    {
        public void Dispose() => TestDatabaseSettings.Delete(path);
    }
}
