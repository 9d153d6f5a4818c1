using MedicalPortal.Core;
using MedicalPortal.Data;
using MedicalPortal.Web.Cli;
using MedicalPortal.Web.Hosting;

var command = PortalCommand.Parse(args);
var builder = WebApplication.CreateBuilder(command.HostArguments);
builder.AddMedicalPortalCore();
builder.AddMedicalPortalData();
builder.AddMedicalPortalWeb();

var app = builder.Build();
if (command.Name is not null)
{
    return await command.RunAsync(app);
}

await app.PrepareDatabasesAsync();
app.UseMedicalPortal();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
