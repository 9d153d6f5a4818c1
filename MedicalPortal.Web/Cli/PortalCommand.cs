using System.Globalization;
using MedicalPortal.Core.Audit;
using MedicalPortal.Data;
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
          seed --patients N [--visits-per-patient M]       add N generated patients with M visits each (default 0)
          verify-audit                                     check every audit chain; exit 0 only if all are intact
        """;

    private static readonly string[] Known = ["migrate", "seed", "verify-audit"];

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
            if (args[i] is "--patients" or "--visits-per-patient" && i + 1 < args.Length)
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
            !TryReadCount("--visits-per-patient", required: false, out var visits))
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
        var result = await seeder.SeedPatientsAsync(patients, visits, progress, cancellationToken);
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
