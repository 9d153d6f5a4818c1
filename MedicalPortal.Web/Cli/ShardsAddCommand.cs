using System.CommandLine;
using MedicalPortal.Core.Audit;
using MedicalPortal.Data;
using MedicalPortal.Data.Sharding;

namespace MedicalPortal.Web.Cli;

/// <summary>
/// <c>shards add --name NAME --connection CS</c>: brings a new shard's database to the latest migration and registers
/// it in the catalog with no buckets, audited as this command. Every node started from then on knows it. A name or a
/// connection string that cannot be a new shard's is bad usage (2), a database that does not answer a failure (1), and
/// either leaves nothing registered; the same command again is done already (0). The connection string is never
/// printed: it may carry a password.
/// </summary>
internal sealed class ShardsAddCommand : OperatorCommand
{
    private readonly Option<string> _name = new("--name")
    {
        Description = "The new shard's name: letters, digits, '-', '_' and '.'; unlike any shard's already.",
        HelpName = "NAME",
        Required = true,
    };

    private readonly Option<string> _connection = new("--connection")
    {
        Description = "The connection string of its database, for the configured Database:Provider. Never printed.",
        HelpName = "CS",
        Required = true,
    };

    public ShardsAddCommand()
        : base("add", "Migrate a new shard's database and register it with no buckets.")
    {
        Options.Add(_name);
        Options.Add(_connection);
    }

    public override async Task<int> RunAsync(ParseResult parseResult, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var name = parseResult.GetRequiredValue(_name);
        var connectionString = parseResult.GetRequiredValue(_connection);

        // What the arguments themselves get wrong is told before any database is touched.
        var registry = services.GetRequiredService<IShardRegistry>();
        if (registry.Problem(name, connectionString) is { } problem)
        {
            await error.WriteLineAsync(problem);
            return BadUsage;
        }

        // As a node starts: a shard of the installation that does not answer need not stop an addition.
        await services.GetRequiredService<IDatabaseInitializer>().InitializeServingAsync(cancellationToken);
        var actor = new AuditActor(null, $"shards add command ({Environment.UserName})");
        var addition = await registry.AddAsync(name, connectionString, actor, cancellationToken);
        switch (addition.Outcome)
        {
            case ShardAdditionOutcome.Added:
                await output.WriteLineAsync(
                    $"Added shard '{addition.Shard}': its database is at the latest migration, and it is registered with no buckets. " +
                    "Nodes that are running learn of it when buckets are moved to it (shards move), or when they next start.");
                return 0;
            case ShardAdditionOutcome.AlreadyAdded:
                await output.WriteLineAsync($"Shard '{addition.Shard}' is registered already, with this connection string: nothing to do.");
                return 0;
            default:
                await error.WriteLineAsync(addition.Problem);
                return BadUsage;
        }
    }
}
