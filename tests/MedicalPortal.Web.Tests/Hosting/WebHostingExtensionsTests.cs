using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core;
using MedicalPortal.Data;
using MedicalPortal.Web.Hosting;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Tests.Hosting;

/// <summary>What <c>UseMedicalPortal</c> maps besides the API: health for the load balancer and the OpenAPI document.</summary>
public sealed class WebHostingExtensionsTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    /// <summary>The keys a node outside Development must be given, with a value each would take.</summary>
    private static readonly Dictionary<string, Func<string>> KeySettings = new()
    {
        ["Audit:HmacKey"] = () => Convert.ToBase64String(new byte[32]),
        ["Export:PseudonymKey"] = () => Convert.ToBase64String(new byte[32]),
        ["DataProtection:Certificate"] = () => Testing.TestCertificates.Shared,
    };

    [Fact]
    public async Task PrepareDatabasesAsync_TestInstallation_UsesTheTemporaryFolderAndSeedsTheDemoAccounts()
    {
        // Arrange
        using var client = portal.CreateAnonymousClient();

        // Act
        var options = portal.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var tokens = await PortalFactory.LoginAsync(client, DemoUsers.Admin, Data.Seeding.DemoAccounts.DefaultPassword);

        // Assert
        Assert.Contains(portal.DataDirectory, options.Catalog, StringComparison.Ordinal);
        Assert.All(options.Shards, shard => Assert.Contains(portal.DataDirectory, shard.ConnectionString, StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(portal.DataDirectory, "shard-1.db")));
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("accessToken").GetString()));
    }

    [Theory]
    [InlineData("Audit:HmacKey")]
    [InlineData("Export:PseudonymKey")]
    [InlineData("DataProtection:Certificate")]
    public async Task PrepareDatabasesAsync_KeyMissingOutsideDevelopment_RefusesNamingItBeforeWritingAnything(string missing)
    {
        // Arrange: a production node on a fresh folder, configured with every key but one.
        var directory = TestDatabaseSettings.NewDirectory();
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, ContentRootPath = directory });
            builder.Configuration.AddInMemoryCollection(TestDatabaseSettings.For(directory));
            builder.Configuration["Audit:AnchorDirectory"] = Path.Combine(directory, "audit-anchors");
            foreach (var (key, value) in KeySettings.Where(k => k.Key != missing))
            {
                builder.Configuration[key] = value();
            }

            builder.Logging.ClearProviders();
            builder.AddMedicalPortalCore().AddMedicalPortalData().AddMedicalPortalWeb();
            await using var app = builder.Build();

            // Act
            var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.PrepareDatabasesAsync());

            // Assert
            Assert.Contains(missing, refused.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(directory));
        }
        finally
        {
            TestDatabaseSettings.Delete(directory);
        }
    }

    [Fact]
    public async Task HealthLive_Anonymous_Returns200()
    {
        // Arrange
        using var client = portal.CreateAnonymousClient();

        // Act
        using var response = await client.GetAsync("/health/live");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HealthReady_AllDatabasesUp_Returns200WithCatalogAndShardsEntries()
    {
        // Arrange
        using var client = portal.CreateAnonymousClient();

        // Act
        using var response = await client.GetAsync("/health/ready");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var entries = body.GetProperty("entries");
        Assert.Equal("Healthy", entries.GetProperty("catalog").GetProperty("status").GetString());
        var shards = entries.GetProperty("shards");
        Assert.Equal("Healthy", shards.GetProperty("status").GetString());
        Assert.Equal("up", shards.GetProperty("data").GetProperty("shard-0").GetString());
        Assert.Equal("up", shards.GetProperty("data").GetProperty("shard-1").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_Anonymous_Returns200AndDescribesThePatientsApi()
    {
        // Arrange
        using var client = portal.CreateAnonymousClient();

        // Act
        using var response = await client.GetAsync("/openapi/v1.json");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = body.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/patients", paths);
        Assert.Contains("/api/v1/patients/{id}", paths);
        Assert.Contains("/api/v1/visits/{id}", paths);
    }
}
