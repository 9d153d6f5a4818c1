using System.Globalization;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data;
using MedicalPortal.Data.Export;
using MedicalPortal.Data.Seeding;

namespace MedicalPortal.Web.Cli;

/// <summary>
/// Operator commands: <c>dotnet run --project MedicalPortal.Web -- &lt;command&gt;</c>. They use the same configuration
/// as the portal and exit without starting the web server. Exit code 0 is success, 1 a failure, 2 bad usage.
/// </summary>
internal sealed partial class PortalCommand
{
    private const string Usage = """
        Commands:
          migrate                                          apply migrations to the catalog and every shard
          seed --patients N [--visits-per-patient M] [--random-seed S]
                                                     add N generated patients with M visits each (default 0);
                                                     with S, the same patients on every run and shard layout
          verify-audit                                     check every audit chain; exit 0 only if all are intact
          export --study ID --out FILE                     write the study's full anonymized export to FILE (CSV)
          extract                                          run one pass of the scheduled incremental extraction now
        """;

    private static readonly string[] Known = ["migrate", "seed", "verify-audit", "export", "extract"];

    private static readonly string[] OptionsWithValue = ["--patients", "--visits-per-patient", "--random-seed", "--study", "--out"];

    private PortalCommand(string? name, string[] commandArguments, string[] hostArguments)
    {
        Name = name;
        CommandArguments = commandArguments;
        HostArguments = hostArguments;
    }

    /// <summary>The command, or null when the portal should simply run.</summary>
    public string? Name { get; }

    /// <summary>What remains for the host: configuration overrides such as <c>--Database:Provider Sqlite</c>.</summary>
    public string[] HostArguments { get; }

    private string[] CommandArguments { get; }

    public static PortalCommand Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return new PortalCommand(null, [], args);
        }

        // Everything after the command that is not one of its own options is configuration for the host.
        var own = new List<string>();
        var host = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (OptionsWithValue.Contains(args[i], StringComparer.Ordinal) && i + 1 < args.Length)
            {
                own.Add(args[i]);
                own.Add(args[++i]);
            }
            else
            {
                host.Add(args[i]);
            }
        }

        return new PortalCommand(args[0], [.. own], [.. host]);
    }

    public async Task<int> RunAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MedicalPortal.Cli");
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            switch (Name)
            {
                case "migrate":
                    await app.Services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(cancel.Token);
                    await Console.Out.WriteLineAsync("Catalog and shards are at the latest migration.");
                    return 0;
                case "seed":
                    return await SeedAsync(app, cancel.Token);
                case "verify-audit":
                    return await VerifyAuditAsync(app, cancel.Token);
                case "export":
                    return await ExportAsync(app, cancel.Token);
                case "extract":
                    return await ExtractAsync(app, cancel.Token);
                default:
                    await Console.Error.WriteLineAsync($"Unknown command '{Name}'. Known: {string.Join(", ", Known)}.{Environment.NewLine}{Usage}");
                    return 2;
            }
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Cancelled.");
            return 1;
        }
        catch (Exception e)
        {
            LogFailed(logger, Name ?? "", e);
            return 1;
        }
    }

    private async Task<int> SeedAsync(WebApplication app, CancellationToken cancellationToken)
    {
        if (!TryReadCount("--patients", required: true, out var patients) ||
            !TryReadCount("--visits-per-patient", required: false, out var visits) ||
            !TryReadCount("--random-seed", required: false, out var randomSeed))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        await app.Services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var seeder = scope.ServiceProvider.GetRequiredService<IDataSeeder>();

        var started = TimeProvider.System.GetTimestamp();
        var progress = new Progress<SeedResult>(r => Console.WriteLine(
            $"  {r.Patients:N0} patients, {r.Visits:N0} visits ({TimeProvider.System.GetElapsedTime(started).TotalSeconds:N0} s)"));
        var result = await seeder.SeedPatientsAsync(
            patients, visits, progress, cancellationToken, CommandArguments.Contains("--random-seed") ? randomSeed : null);
        await Console.Out.WriteLineAsync(
            $"Seeded {result.Patients:N0} patients and {result.Visits:N0} visits in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:N1} s.");
        return 0;
    }

    /// <summary>Prints one line per database; on a broken chain, the first bad entry and what is wrong with it.</summary>
    private static async Task<int> VerifyAuditAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.Services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(cancellationToken);
        var results = await app.Services.GetRequiredService<IAuditStore>().VerifyAsync(cancellationToken);
        foreach (var result in results)
        {
            await (result.Problem is { } problem
                ? Console.Out.WriteLineAsync(
                    $"FAIL {result.Database}: sequence {problem.Sequence} {problem.Kind.ToString().ToLowerInvariant()}: {problem.Description}")
                : Console.Out.WriteLineAsync($"OK   {result.Database}: {result.Entries:N0} entries, chain intact"));
        }

        return results.All(r => r.IsIntact) ? 0 : 1;
    }

    /// <summary>
    /// The full export of one study, as a researcher's download would give it, into a file: written under a temporary
    /// name and renamed when complete, so a half-written export never carries the final name. Audited as this command.
    /// </summary>
    private async Task<int> ExportAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var study = ValueOf("--study");
        var output = ValueOf("--out");
        if (!Guid.TryParse(study, out var studyId) || string.IsNullOrWhiteSpace(output))
        {
            await Console.Error.WriteLineAsync($"export needs --study with a study id and --out with a file name.{Environment.NewLine}{Usage}");
            return 2;
        }

        await app.Services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(cancellationToken);
        if (await app.Services.GetRequiredService<IStudyStore>().FindAsync(studyId, cancellationToken) is null)
        {
            await Console.Error.WriteLineAsync($"There is no study {studyId:D}.");
            return 1;
        }

        var path = Path.GetFullPath(output);
        var temporary = Path.Combine(Path.GetDirectoryName(path) ?? ".", $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            ExportSummary summary;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                var actor = new AuditActor(null, $"export command ({Environment.UserName})");
                summary = await app.Services.GetRequiredService<ExportService>().WriteAsync(actor, studyId, file, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            await Console.Out.WriteLineAsync(
                $"Wrote {summary.Rows:N0} rows for {summary.Patients:N0} patients to {path}; {summary.SuppressedPatients:N0} held back by k-anonymity, {summary.GeneralizedPatients:N0} generalized.");
            return 0;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>One pass of the scheduled extraction, under the same lease as the nodes' cron.</summary>
    private static async Task<int> ExtractAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.Services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(cancellationToken);
        if (await app.Services.GetRequiredService<IExtractionRunner>().RunAllAsync(cancellationToken))
        {
            await Console.Out.WriteLineAsync("Extracted what changed in every study since its last extraction.");
        }
        else
        {
            await Console.Out.WriteLineAsync("Another node is extracting right now; nothing was done.");
        }

        return 0;
    }

    private string? ValueOf(string option)
    {
        var index = Array.IndexOf(CommandArguments, option);
        return index >= 0 && index + 1 < CommandArguments.Length ? CommandArguments[index + 1] : null;
    }

    private bool TryReadCount(string option, bool required, out int value)
    {
        value = 0;
        var index = Array.IndexOf(CommandArguments, option);
        if (index < 0)
        {
            if (required)
            {
                Console.Error.WriteLine($"{option} is required.");
            }

            return !required;
        }

        if (int.TryParse(CommandArguments[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 0)
        {
            return true;
        }

        Console.Error.WriteLine($"{option} needs a whole number of 0 or more.");
        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Command} command failed.")]
    private static partial void LogFailed(ILogger logger, string command, Exception exception);
}
