using MedicalPortal.Core;
using MedicalPortal.Data;
using MedicalPortal.Web.Cli;
using MedicalPortal.Web.Hosting;

return await new PortalCommandLine(BuildPortal, RunPortalAsync).InvokeAsync(args);

static WebApplication BuildPortal(string[] hostArguments)
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = hostArguments,
        EnvironmentName = LaunchEnvironment.Default(hostArguments),
    });
    builder.AddMedicalPortalCore();
    builder.AddMedicalPortalData();
    builder.AddMedicalPortalWeb();
    return builder.Build();
}

static async Task RunPortalAsync(WebApplication app)
{
    await app.PrepareDatabasesAsync();
    app.UseMedicalPortal();
    await app.RunAsync();
}

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
