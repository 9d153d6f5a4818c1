using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MedicalPortal.Core.Audit;
using MedicalPortal.Data;

namespace MedicalPortal.Web.Cli;

/// <summary>
/// <c>verify-audit</c>: one line per database; on a broken chain, the first bad entry and what is wrong with it, which
/// includes a chain behind (or not matching) a checkpoint of its head kept outside the databases. Then a new checkpoint
/// of every chain found intact, one line each. Exits 0 only if every chain is intact.
/// </summary>
internal sealed class VerifyAuditCommand()
    : OperatorCommand("verify-audit", "Check every audit chain against itself and its checkpoints, then checkpoint the intact ones; exit 0 only if all are intact.")
{
    public override async Task<int> RunAsync(ParseResult parseResult, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        await services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(cancellationToken);
        var results = await services.GetRequiredService<IAuditStore>().VerifyAsync(cancellationToken);
        await services.GetRequiredService<IAuditVerificationLog>().RecordAsync(
            results, "verify-audit", services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
        foreach (var result in results)
        {
            await (result.Problem is { } problem
                ? output.WriteLineAsync(
                    $"FAIL {result.Database}: sequence {problem.Sequence} {Kebab(problem.Kind)}: {problem.Description}")
                : output.WriteLineAsync($"OK   {result.Database}: {result.Entries:N0} entries, chain intact{Since(result.NewestAnchor)}"));
        }

        // A chain found broken gets no checkpoint: one would vouch for what the verification just refused.
        foreach (var anchor in await services.GetRequiredService<IAuditAnchors>().WriteVerifiedAsync(results, cancellationToken))
        {
            await output.WriteLineAsync($"Checkpoint {anchor.Database}: entry {anchor.Sequence:N0} ({anchor.Name})");
        }

        return results.All(r => r.IsIntact) ? 0 : 1;
    }

    private static string Since(AuditAnchor? anchor) =>
        anchor is null
            ? ", no checkpoint yet"
            : string.Create(CultureInfo.InvariantCulture, $", newest checkpoint (entry {anchor.Sequence:N0}, {anchor.WrittenAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC) holds");

    /// <summary>A problem's kind as the API spells it: <c>rolled-back</c>, <c>bad-checkpoint</c>.</summary>
    private static string Kebab(ChainProblemKind kind) => JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());
}
