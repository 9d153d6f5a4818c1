using System.CommandLine;
using MedicalPortal.Core.Export;
using MedicalPortal.Data;

namespace MedicalPortal.Web.Cli;

/// <summary><c>extract</c>: one pass of the scheduled extraction now, under the same lease as the nodes' cron.</summary>
internal sealed class ExtractCommand()
    : OperatorCommand("extract", "Run one pass of the scheduled incremental extraction now.")
{
    public override async Task<int> RunAsync(ParseResult parseResult, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        await services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(cancellationToken);
        await parseResult.InvocationConfiguration.Output.WriteLineAsync(
            await services.GetRequiredService<IExtractionRunner>().RunAllAsync(cancellationToken)
                ? "Extracted what changed in every study since its last extraction."
                : "Another node is extracting right now; nothing was done.");
        return 0;
    }
}
