using System.CommandLine;
using MedicalPortal.Core.Audit;
using MedicalPortal.Data;

namespace MedicalPortal.Web.Cli;

/// <summary>
/// <c>verify-audit</c>: one line per database; on a broken chain, the first bad entry and what is wrong with it.
/// Exits 0 only if every chain is intact.
/// </summary>
internal sealed class VerifyAuditCommand()
    : OperatorCommand("verify-audit", "Check every audit chain; exit 0 only if all are intact.")
{
    public override async Task<int> RunAsync(ParseResult parseResult, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        await services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(cancellationToken);
        var results = await services.GetRequiredService<IAuditStore>().VerifyAsync(cancellationToken);
        foreach (var result in results)
        {
            await (result.Problem is { } problem
                ? output.WriteLineAsync(
                    $"FAIL {result.Database}: sequence {problem.Sequence} {problem.Kind.ToString().ToLowerInvariant()}: {problem.Description}")
                : output.WriteLineAsync($"OK   {result.Database}: {result.Entries:N0} entries, chain intact"));
        }

        return results.All(r => r.IsIntact) ? 0 : 1;
    }
}
