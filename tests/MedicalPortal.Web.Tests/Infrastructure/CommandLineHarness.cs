using MedicalPortal.Core;
using MedicalPortal.Data;
using MedicalPortal.Testing;
using MedicalPortal.Web.Cli;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// Runs the portal's command line the way Program.cs does, on the real SQLite files of a fresh folder (or on the
/// databases <see cref="Databases"/> names), in Production (no demo data), with what it writes captured. Disposing
/// deletes the folder.
/// </summary>
internal sealed class CommandLineHarness : IDisposable
{
    /// <summary>The folder that holds the catalog and the shard files.</summary>
    public string Directory { get; } = TestDatabaseSettings.NewDirectory();

    /// <summary>
    /// The <c>Database:*</c> settings (and whatever goes with them) of the databases to run on, such as
    /// <see cref="TestDatabases.Settings"/>; the SQLite files of <see cref="Directory"/> unless set.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? Databases { get; init; }

    /// <summary>How many hosts the command line has built, over every run.</summary>
    public int HostsBuilt { get; private set; }

    /// <summary>
    /// Whether a run without a command prepares the databases as the portal does at start (migrations, shard map,
    /// roles) before it stops; otherwise it only records the configuration. The web server itself is never started.
    /// </summary>
    public bool PreparesDatabases { get; init; }

    /// <summary>The configuration the portal ran with, when a run had no command (the portal itself is not started).</summary>
    public IReadOnlyDictionary<string, string?>? PortalConfiguration { get; private set; }

    /// <summary>Runs <paramref name="args"/> as <c>dotnet run --project MedicalPortal.Web -- args</c> would.</summary>
    public Task<CommandLineRun> RunAsync(params string[] args) => RunWithInputAsync("", args);

    /// <summary>As <see cref="RunAsync"/>, with <paramref name="input"/> piped to the command's standard input.</summary>
    public async Task<CommandLineRun> RunWithInputAsync(string input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var reader = new StringReader(input);
        var commandLine = new PortalCommandLine(BuildCounted, RecordPortalAsync) { Output = output, Error = error, Input = reader };
        var exitCode = await commandLine.InvokeAsync(args);
        return new CommandLineRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The portal's host as Program.cs builds it, on this folder's files; configuration in args comes first.</summary>
    public WebApplication Build(string[] hostArguments)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = hostArguments,
            // Production, unless the run names its environment itself, as an operator may.
            EnvironmentName = hostArguments.Any(a => a.StartsWith("--environment", StringComparison.OrdinalIgnoreCase)) ? null : Environments.Production,
            ContentRootPath = Directory,
        });

        // Just under the arguments, so that configuration given on the command line overrides the test's, as it
        // overrides appsettings.json in production.
        var sources = builder.Configuration.Sources;
        var commandLine = sources.OfType<CommandLineConfigurationSource>().FirstOrDefault();
        sources.Insert(commandLine is null ? sources.Count : sources.IndexOf(commandLine), new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>(Databases ?? TestDatabaseSettings.For(Directory))
            {
                ["Export:PseudonymKey"] = Convert.ToBase64String(new byte[32]),
                ["Audit:HmacKey"] = Convert.ToBase64String(new byte[32]),
                ["Audit:AnchorDirectory"] = "audit-anchors",
                ["DataProtection:Certificate"] = TestCertificates.Shared,
            },
        });
        builder.Logging.ClearProviders();
        builder.AddMedicalPortalCore();
        builder.AddMedicalPortalData();
        builder.AddMedicalPortalWeb();
        return builder.Build();
    }

    /// <summary>The database files in the folder, by name.</summary>
    public string[] DatabaseFiles() =>
        [.. System.IO.Directory.EnumerateFiles(Directory, "*.db", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    public void Dispose() => TestDatabaseSettings.Delete(Directory);

    private WebApplication BuildCounted(string[] hostArguments)
    {
        HostsBuilt++;
        return Build(hostArguments);
    }

    private async Task RecordPortalAsync(WebApplication app)
    {
        PortalConfiguration = app.Configuration.AsEnumerable().ToDictionary(StringComparer.OrdinalIgnoreCase);
        if (PreparesDatabases)
        {
            await app.PrepareDatabasesAsync();
        }
    }
}

/// <summary>What one run of the command line ended with and wrote.</summary>
internal sealed record CommandLineRun(int ExitCode, string Output, string Error);
