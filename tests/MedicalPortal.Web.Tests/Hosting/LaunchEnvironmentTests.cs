using System.Diagnostics;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Hosting;

/// <summary>
/// The README's command as an operator types it: <c>dotnet run --project MedicalPortal.Web</c>, with the launch profile
/// <c>dotnet run</c> applies. The operator's <c>ASPNETCORE_ENVIRONMENT</c> wins over the profile; without one, a
/// developer's run is in Development as the README says.
/// </summary>
public sealed class LaunchEnvironmentTests : IDisposable
{
    private readonly string _directory = TestDatabaseSettings.NewDirectory();

    [Fact]
    public async Task DotnetRun_TheOperatorSaysProduction_RunsInProductionNotTheProfilesDevelopment()
    {
        // In Production the keys must be configured (Development would generate them): refused, naming the key,
        // before any database is created.
        var run = await DotnetRunAsync("Production", "migrate");

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains("Audit:HmacKey", run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task DotnetRun_NoEnvironmentSaid_RunsInDevelopmentFromTheLaunchProfile()
    {
        var run = await DotnetRunAsync(environment: null, "migrate");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        Assert.True(File.Exists(Path.Combine(_directory, "audit.key")), "Development generates its audit key next to the databases.");
    }

    public void Dispose() => TestDatabaseSettings.Delete(_directory);

    private async Task<(int ExitCode, string Output, string Error)> DotnetRunAsync(string? environment, params string[] command)
    {
        var project = Path.Combine(Repository(), "MedicalPortal.Web");
        var start = new ProcessStartInfo("dotnet", ["run", "--no-build", "--configuration", "Debug", "--project", project, "--", .. command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        if (environment is not null)
        {
            start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        }

        foreach (var (key, value) in TestDatabaseSettings.For(_directory))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output, await error);
    }

    private static string Repository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MedicalPortal.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository (the folder with MedicalPortal.sln) is not above the test's folder.");
    }
}
