using System.Net;
using System.Text.Json;
using MedicalPortal.Testing;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api;

/// <summary>
/// The OpenAPI document the portal serves, as an integrator's tools read it: Redocly's linter (openapi/, installed by
/// test.sh) finds no error and only the warnings decision 0039 explains; every operation has an id, a tag, the bearer
/// scheme when it needs a token, and the problems it can answer.
/// </summary>
[Collection(SharedPortals.Default)]
public sealed class OpenApiDocumentTests(PortalFactory portal)
{
    /// <summary>The warnings decision 0039 accepts, by rule and place.</summary>
    private static readonly HashSet<(string Rule, string Pointer)> AcceptedWarnings =
    [
        // The document names the server it was asked on: in the tests, localhost.
        ("no-server-example.com", "#/servers/0/url"),

        // The liveness ping answers 200 or nothing at all.
        ("operation-4xx-response", "#/paths/~1api~1v1~1ping/get/responses"),
    ];

    [Fact]
    public async Task ServedDocument_PassesRedoclysLint_WithOnlyTheAcceptedWarnings()
    {
        // Arrange: the document as a client downloads it.
        var file = Path.Combine(Path.GetTempPath(), $"medicalportal-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await DocumentTextAsync());
        var redocly = Path.Combine(Repository.Root, "openapi", "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.True(File.Exists(redocly), "Redocly is not installed: run `npm ci` in openapi/ (test.sh does).");

        try
        {
            // Act
            var (_, output, error) = await Repository.RunAsync(
                "node", [redocly, "lint", file, "--format=json", "--config", "redocly.yaml"], "openapi", TimeSpan.FromMinutes(2),
                new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" });

            // Assert
            using var report = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
            var problems = report.RootElement.GetProperty("problems").EnumerateArray()
                .Select(p => (
                    Severity: p.GetProperty("severity").GetString(),
                    Rule: p.GetProperty("ruleId").GetString() ?? "",
                    Pointer: p.GetProperty("location")[0].GetProperty("pointer").GetString() ?? "",
                    Message: p.GetProperty("message").GetString()))
                .ToList();
            var unexpected = problems.Where(p => p.Severity == "error" || !AcceptedWarnings.Contains((p.Rule, p.Pointer))).ToList();
            Assert.True(unexpected.Count == 0, string.Join('\n', unexpected.Select(p => $"{p.Severity} {p.Rule} at {p.Pointer}: {p.Message}")) + error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task EveryOperation_HasAUniqueIdATagAndTheProblemsItsShapeImplies()
    {
        // Arrange
        using var document = JsonDocument.Parse(await DocumentTextAsync());
        var operations = Operations(document.RootElement).ToList();

        // Assert: ids unique, tags described, and each operation's problems as ApiProblems declares them.
        var ids = operations.Select(o => o.Operation.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var described = document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToHashSet();
        Assert.All(operations, o => Assert.Contains(o.Operation.GetProperty("tags")[0].GetString(), described));

        foreach (var (method, path, operation) in operations)
        {
            var responses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet();
            var secured = operation.GetProperty("security").GetArrayLength() > 0;
            Assert.Equal(!path.StartsWith("/api/v1/auth/", StringComparison.Ordinal) && path != "/api/v1/ping", secured);
            if (secured)
            {
                Assert.Equal("bearer", operation.GetProperty("security")[0].EnumerateObject().Single().Name);
                Assert.Superset(new HashSet<string> { "401", "403" }, responses);
            }

            if (path.Contains('{', StringComparison.Ordinal))
            {
                Assert.Contains("404", responses);
            }

            Assert.Equal(method is "put" or "delete" && HasVersion(document.RootElement, operation), responses.Contains("409"));
            foreach (var problem in responses.Where(r => r[0] is '4' or '5'))
            {
                Assert.True(
                    operation.GetProperty("responses").GetProperty(problem).GetProperty("content").TryGetProperty("application/problem+json", out _),
                    $"{method} {path}: {problem} is not a problem details answer.");
            }
        }
    }

    [Fact]
    public async Task Document_NamesItsServerWithoutATrailingSlash_AndItsContactAndLicence()
    {
        using var document = JsonDocument.Parse(await DocumentTextAsync());

        var root = document.RootElement;
        Assert.Equal("http://localhost", root.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("info").GetProperty("contact").GetProperty("name").GetString()));
        Assert.Equal("LicenseRef-MedicalPortal-Proprietary", root.GetProperty("info").GetProperty("license").GetProperty("identifier").GetString());
        Assert.Equal("http", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("Api:ContactUrl", "not an address")]
    [InlineData("Api:ContactEmail", "nobody")]
    [InlineData("Api:LicenseIdentifier", "All rights; reserved")]
    public async Task BadDescriptionSetting_StopsTheStartNamingTheKey(string key, string value)
    {
        // Act: a node whose setting the document would carry is not what it must be, as it starts.
        var refused = await StartupSettings.RefusalAsync(key, value);

        // Assert
        Assert.Contains(key.Split(':')[1], refused.Message, StringComparison.Ordinal);
    }

    private async Task<string> DocumentTextAsync()
    {
        using var client = portal.CreateAnonymousClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        from operation in path.Value.EnumerateObject()
        where operation.Name is "get" or "put" or "post" or "delete"
        select (operation.Name, path.Name, operation.Value);

    // The operation takes the version it read: a `version` query parameter, or a body whose schema has one.
    private static bool HasVersion(JsonElement document, JsonElement operation)
    {
        if (operation.TryGetProperty("parameters", out var parameters) && parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "version"))
        {
            return true;
        }

        if (!operation.TryGetProperty("requestBody", out var body)
            || !body.GetProperty("content").EnumerateObject().First().Value.GetProperty("schema").TryGetProperty("$ref", out var reference))
        {
            return false;
        }

        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        return schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty("version", out _);
    }
}
