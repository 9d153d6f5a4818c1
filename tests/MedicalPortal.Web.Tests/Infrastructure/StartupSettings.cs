using MedicalPortal.Core;
using MedicalPortal.Data;
using MedicalPortal.Testing;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>What a node does with one bad setting as it starts: the options validation the host runs before serving.</summary>
internal static class StartupSettings
{
    /// <summary>
    /// Builds a Development node on a fresh folder with <paramref name="key"/> set to <paramref name="value"/>, runs the
    /// host's start validation, and returns its refusal (the test fails if there is none).
    /// </summary>
    public static async Task<OptionsValidationException> RefusalAsync(string key, string value)
    {
        var directory = TestDatabaseSettings.NewDirectory();
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development, ContentRootPath = directory });
            builder.Configuration.AddInMemoryCollection(TestDatabaseSettings.For(directory));
            builder.Configuration[key] = value;
            builder.Logging.ClearProviders();
            builder.AddMedicalPortalCore().AddMedicalPortalData().AddMedicalPortalWeb();
            await using var app = builder.Build();
            return Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());
        }
        finally
        {
            TestDatabaseSettings.Delete(directory);
        }
    }
}
