using MedicalPortal.Core.Export;
using MedicalPortal.Core.Keys;
using MedicalPortal.Core.Tests.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Core.Tests;

/// <summary>Core's configuration, as a host binds and checks it when it starts.</summary>
public sealed class CoreServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddMedicalPortalCore_ExportSettings_BoundFromTheExportSection()
    {
        // Arrange
        using var host = Build(new() { ["Export:K"] = "7", ["Export:Schedule"] = "0 2 * * *", ["Export:Directory"] = "/srv/exports" });

        // Act
        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<ExportOptions>>().Value;

        // Assert
        Assert.Equal((7, "0 2 * * *", "/srv/exports"), (options.K, options.Schedule, options.Directory));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddMedicalPortalCore_ScheduleNotACronExpression_StartRefusesNamingTheSetting()
    {
        // Arrange
        using var host = Build(new() { ["Export:Schedule"] = "every night" });

        // Act
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // Assert
        Assert.Contains("Export:Schedule", refused.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environments.Production,
            DisableDefaults = true,
        });
        settings.TryAdd("Export:PseudonymKey", Convert.ToBase64String(new byte[SecretKeySetting.MinimumBytes]));
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<IDevelopmentKeyStore>(new InMemoryDevelopmentKeys());
        builder.AddMedicalPortalCore();
        return builder.Build();
    }
}
