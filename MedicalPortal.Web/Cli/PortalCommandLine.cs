using System.CommandLine;
using System.CommandLine.Invocation;
using MedicalPortal.Core.Sharding;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Cli;

/// <summary>
/// The portal's command line, on System.CommandLine. With no command the portal runs; an operator command runs on the
/// same host and configuration and exits without starting the web server. Help and bad usage answer before the host
/// is built, so they never touch a database. Exit codes: 0 success, 1 failure, 2 bad usage.
/// </summary>
/// <param name="buildHost">Builds the portal's host from the arguments meant for it (configuration overrides).</param>
/// <param name="runPortal">Runs the built portal until it stops.</param>
internal sealed partial class PortalCommandLine(Func<string[], WebApplication> buildHost, Func<WebApplication, Task> runPortal)
{
    private const int Failed = 1;

    private const int BadUsage = 2;

    /// <summary>The host's own settings, which have no section but may follow a command like any configuration key.</summary>
    private static readonly string[] HostKeys =
        [HostDefaults.EnvironmentKey, HostDefaults.ContentRootKey, HostDefaults.ApplicationKey, WebHostDefaults.ServerUrlsKey];

    /// <summary>Where help, results and errors go; the console unless a test says otherwise.</summary>
    public TextWriter Output { get; init; } = Console.Out;

    /// <inheritdoc cref="Output"/>
    public TextWriter Error { get; init; } = Console.Error;

    /// <summary>What is piped to a command (a password for <c>accounts add</c>); the console unless a test says otherwise.</summary>
    public TextReader Input { get; init; } = Console.In;

    /// <summary>
    /// The operator commands. A group such as <c>shards</c> is a plain <see cref="Command"/> holding its
    /// <see cref="OperatorCommand"/>s: every operator command at any depth runs on the host.
    /// </summary>
    private static Command[] Commands() =>
    [
        new MigrateCommand(),
        new SeedCommand(),
        new VerifyAuditCommand(),
        new ExportCommand(),
        new ExtractCommand(),
        new Command("accounts", "Staff accounts from the command line: the first administrator of a new installation.")
        {
            new AccountsAddCommand(),
        },
        new Command("shards", "List the shards, add new ones, and move buckets between them.")
        {
            new ShardsListCommand(),
            new ShardsAddCommand(),
            new ShardsMoveCommand(),
        },
    ];

    public async Task<int> InvokeAsync(IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (commandLine, configuration) = SplitConfiguration(args);
        var root = CreateRoot(
            runPortal: async () =>
            {
                // No command: everything on the line is the host's, exactly as typed (--urls, configuration keys, ...).
                await using var app = buildHost([.. args]);
                try
                {
                    await runPortal(app);
                    return 0;
                }
                catch (Exception e) when (StartFailures(e) is { Count: > 0 } failures)
                {
                    // A bad setting or a database out of reach: a line each, naming the key, for whoever starts the node.
                    foreach (var failure in failures)
                    {
                        await Error.WriteLineAsync(failure);
                    }

                    return Failed;
                }
            },
            runCommand: (command, parseResult, token) =>
            {
                command.Input = Input;
                return RunCommandAsync(command, parseResult, configuration, token);
            });

        // An argument starting with @ is a value (a path, a connection string), not a file of arguments.
        var parseResult = root.Parse(commandLine, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var exitCode = await parseResult.InvokeAsync(new InvocationConfiguration
        {
            Output = Output,
            Error = Error,
            // The portal's host handles Ctrl+C and SIGTERM itself; a command handles Ctrl+C in RunCommandAsync.
            ProcessTerminationTimeout = null,
            // Exceptions reach the caller, among them the one WebApplicationFactory throws to stop Program at Build.
            EnableDefaultExceptionHandler = false,
        }, cancellationToken);

        // System.CommandLine reports bad usage with 1; here 1 means the command ran and failed.
        return parseResult.Action is ParseErrorAction ? BadUsage : exitCode;
    }

    private static RootCommand CreateRoot(
        Func<Task<int>> runPortal, Func<OperatorCommand, ParseResult, CancellationToken, Task<int>> runCommand)
    {
        // Without a command, what is left on the line is the web host's (--urls http://..., --AllowedHosts *).
        var hostArguments = new Argument<string[]>("host arguments") { Arity = ArgumentArity.ZeroOrMore, Hidden = true };
        var root = new RootCommand(
            "The clinic portal. With no command it runs the portal; a command uses the same configuration and exits " +
            "with 0 on success, 1 on failure, 2 on bad usage. Configuration keys may follow any command: " +
            "--Section:Key value or --Section:Key=value, and --environment NAME.")
        {
            HelpName = "MedicalPortal.Web",
        };
        root.Arguments.Add(hostArguments);
        foreach (var command in Commands())
        {
            root.Subcommands.Add(command);
        }

        // The portal's own commands and options only: System.CommandLine would add a --version of its own.
        foreach (var version in root.Options.OfType<VersionOption>().ToList())
        {
            root.Options.Remove(version);
        }

        // A first word that is no command was meant as one; passed to the host, it would start the portal instead.
        root.Validators.Add(result =>
        {
            if (result.Tokens is [var first, ..] && !first.Value.StartsWith('-'))
            {
                result.AddError($"Unknown command '{first.Value}'.");
            }
        });
        root.SetAction((_, _) => runPortal());
        foreach (var command in Descendants(root).OfType<OperatorCommand>())
        {
            command.SetAction((parseResult, cancellationToken) => runCommand(command, parseResult, cancellationToken));
        }

        return root;
    }

    private static IEnumerable<Command> Descendants(Command command) =>
        command.Subcommands.SelectMany(c => Descendants(c).Prepend(c));

    /// <summary>
    /// Builds the host on the configuration overrides, validates its options as the host would at start, and runs the
    /// command. A failure is exit code 1: invalid options and Ctrl+C with a line on stderr, anything else logged.
    /// </summary>
    private async Task<int> RunCommandAsync(
        OperatorCommand command, ParseResult parseResult, string[] configuration, CancellationToken cancellationToken)
    {
        await using var app = buildHost(configuration);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MedicalPortal.Cli");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            cancel.Cancel();
        }

        Console.CancelKeyPress += OnCancelKeyPress;
        try
        {
            // Options marked ValidateOnStart are validated in StartAsync, which a command never calls.
            app.Services.GetService<IStartupValidator>()?.Validate();
            return await command.RunAsync(parseResult, app.Services, cancel.Token);
        }
        catch (Exception e) when (StartFailures(e) is { Count: > 0 } failures)
        {
            foreach (var failure in failures)
            {
                await Error.WriteLineAsync(failure);
            }

            return Failed;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Error.WriteLineAsync("Cancelled.");
            return Failed;
        }
        catch (Exception e)
        {
            LogFailed(logger, command.Name, e);
            return Failed;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
        }
    }

    /// <summary>
    /// What stops a node or a command before it can work, one line each: a setting of the wrong type (the binder names
    /// the key), invalid options (the start validator throws an aggregate when several are invalid) and a database
    /// that cannot be reached.
    /// </summary>
    private static List<string> StartFailures(Exception exception) => exception switch
    {
        InvalidOperationException { InnerException: FormatException } unreadable => [unreadable.Message],
        OptionsValidationException invalid => [.. invalid.Failures],
        DatabaseUnavailableException unavailable => [unavailable.Message],
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. aggregate.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => [],
    };

    /// <summary>
    /// Takes the configuration overrides off the line, in the forms the host reads them (<c>--Section:Key value</c>,
    /// <c>--Section:Key=value</c>, and the host's own keys such as <c>--environment</c>), so that they may follow a
    /// command as they always could, while any other word a command does not know stays an error.
    /// </summary>
    private static (string[] CommandLine, string[] Configuration) SplitConfiguration(IReadOnlyList<string> args)
    {
        var commandLine = new List<string>();
        var configuration = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (!IsConfigurationKey(args[i]))
            {
                commandLine.Add(args[i]);
                continue;
            }

            configuration.Add(args[i]);
            if (!args[i].Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
            {
                configuration.Add(args[++i]);
            }
        }

        return ([.. commandLine], [.. configuration]);
    }

    private static bool IsConfigurationKey(string argument)
    {
        if (!argument.StartsWith("--", StringComparison.Ordinal))
        {
            return false;
        }

        var key = argument[2..].Split('=', 2)[0];
        return key.Contains(':', StringComparison.Ordinal) || HostKeys.Contains(key, StringComparer.OrdinalIgnoreCase);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Command} command failed.")]
    private static partial void LogFailed(ILogger logger, string command, Exception exception);
}
