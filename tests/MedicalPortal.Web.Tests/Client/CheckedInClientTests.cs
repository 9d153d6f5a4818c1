using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalPortal.Testing;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Client;

/// <summary>
/// The checked-in C# client (clients/MedicalPortal.Client) is what Kiota generates from the document the portal serves
/// now: its copy of the document is the served one (less the server address, which a client is given), and its
/// Generated/ folder is exactly Kiota's output for that copy. After an API change, scripts/generate-client.sh brings
/// both up to date (it runs this test with MEDICALPORTAL_UPDATE_CLIENT=1).
/// </summary>
[Collection(SharedPortals.Default)]
public sealed class CheckedInClientTests(PortalFactory portal)
{
    private const string Folder = "clients/MedicalPortal.Client";
    private const string Description = Folder + "/openapi.json";
    private const string Generated = Folder + "/Generated";

    [Fact]
    public async Task CheckedInClient_IsKiotasOutputForTheServedDocument()
    {
        // Arrange: the served document as the client's copy is kept.
        var served = await ServedDocumentAsync();
        if (Environment.GetEnvironmentVariable("MEDICALPORTAL_UPDATE_CLIENT") == "1")
        {
            await File.WriteAllTextAsync(Path.Combine(Repository.Root, Description), served);
            await GenerateAsync(Generated);
        }

        // Assert: the copy is the served document.
        var copy = await File.ReadAllTextAsync(Path.Combine(Repository.Root, Description));
        Assert.True(copy == served, "clients/MedicalPortal.Client/openapi.json is not the document the portal serves: run scripts/generate-client.sh.");

        // And the generated code is Kiota's output for it, file by file.
        var fresh = Path.Combine(Path.GetTempPath(), $"medicalportal-kiota-{Guid.NewGuid():N}");
        try
        {
            await GenerateAsync(fresh);
            var expected = Files(fresh);
            var actual = Files(Generated);
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
            var differing = expected.Where(f => f.Value != actual[f.Key]).Select(f => f.Key).ToList();
            Assert.True(differing.Count == 0, $"Generated files differ from Kiota's output ({string.Join(", ", differing)}): run scripts/generate-client.sh.");
        }
        finally
        {
            if (Directory.Exists(fresh))
            {
                Directory.Delete(fresh, recursive: true);
            }
        }
    }

    /// <summary>The served document, without its server address, indented as the client's copy is kept.</summary>
    private async Task<string> ServedDocumentAsync()
    {
        using var client = portal.CreateAnonymousClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        document.Remove("servers");
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Runs Kiota (the repository's dotnet tool, offline) on the client's copy of the document, into <paramref name="output"/> (relative to the repository, or absolute).</summary>
    private static async Task GenerateAsync(string output)
    {
        var (exitCode, stdout, stderr) = await Repository.RunAsync(
            "dotnet",
            [
                "kiota", "generate", "--language", "CSharp", "--openapi", Description, "--class-name", "PortalApiClient",
                "--namespace-name", "MedicalPortal.Client", "--output", output, "--exclude-backward-compatible", "--clean-output",
                "--log-level", "Warning",
            ],
            ".",
            TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["KIOTA_OFFLINE_ENABLED"] = "true", ["KIOTA_TUTORIAL_ENABLED"] = "false" });
        Assert.True(exitCode == 0, $"Kiota failed: {stdout}{stderr}");
        File.Delete(Path.Combine(Repository.Root, output, ".kiota.log"));
    }

    // Each generated file by its path in the folder; the lock file names where it was generated from, so it is left out.
    private static Dictionary<string, string> Files(string folder)
    {
        var root = Path.Combine(Repository.Root, folder);
        return Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kiota-lock.json")
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);
    }
}
