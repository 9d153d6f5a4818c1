using System.CommandLine;
using MedicalPortal.Data;

namespace MedicalPortal.Web.Cli;

/// <summary><c>migrate</c>: the catalog and every shard at the latest migration, with the shard map, roles and permissions.</summary>
internal sealed class MigrateCommand() : OperatorCommand("migrate", "Apply migrations to the catalog and every shard.")
{
    public override async Task<int> RunAsync(ParseResult parseResult, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        await services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(cancellationToken);
        await parseResult.InvocationConfiguration.Output.WriteLineAsync("Catalog and shards are at the latest migration.");
        return 0;
    }
}
