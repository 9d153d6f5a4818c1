using MedicalPortal.Core;
using MedicalPortal.Data;
using MedicalPortal.Testing;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// One node as it runs in production, built and started as Program does: the Production environment (no demo
/// accounts, the keys given explicitly), real Kestrel on a free loopback port, fresh SQLite files. Disposing stops it
/// and deletes the files.
/// </summary>
public sealed class ProductionPortal : IAsyncDisposable
{
    private readonly string _directory;

    private ProductionPortal(WebApplication app, string directory)
    {
        App = app;
        _directory = directory;
    }

    public WebApplication App { get; }

    /// <summary>Such as http://127.0.0.1:41234, without a trailing slash.</summary>
    public string BaseUrl => App.Urls.First().TrimEnd('/');

    public static async Task<ProductionPortal> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var directory = TestDatabaseSettings.NewDirectory();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // The portal's own name, as in production: it names the static assets' manifest.
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
            ContentRootPath = directory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(TestDatabaseSettings.For(directory));
        builder.Configuration["Audit:HmacKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        builder.Configuration["Export:PseudonymKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        builder.Configuration["Audit:AnchorDirectory"] = Path.Combine(directory, "audit-anchors");
        builder.Configuration["DataProtection:Certificate"] = TestCertificates.Shared;
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddLogCapture();
        builder.AddMedicalPortalCore().AddMedicalPortalData().AddMedicalPortalWeb();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        try
        {
            await app.PrepareDatabasesAsync();
            app.UseMedicalPortal();
            await app.StartAsync();
            return new ProductionPortal(app, directory);
        }
        catch
        {
            await app.DisposeAsync();
            TestDatabaseSettings.Delete(directory);
            throw;
        }
    }

    /// <summary>A client as a proxy or script would be: no cookie jar (each test reads and sends cookies itself), no redirects followed.</summary>
    public HttpClient Client() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(BaseUrl) };

    /// <summary>A staff account (there is none in Production), made as <c>accounts add</c> makes one.</summary>
    public async Task CreateStaffAsync(string email, string role, string password)
    {
        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Core.Accounts.IAccountDirectory>().CreateStaffAsync(
            new Core.Audit.AuditActor(null, "test setup"),
            new Core.Accounts.StaffAccountInput { Email = email, DisplayName = "Test Staff", Role = role, Password = password },
            CancellationToken.None);
    }

    /// <summary>Signs in through the API and returns the access token.</summary>
    public async Task<string> TokenAsync(string email, string password)
    {
        using var client = Client();
        return (await PortalFactory.LoginAsync(client, email, password)).GetProperty("accessToken").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        TestDatabaseSettings.Delete(_directory);
    }
}
