using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data;
using MedicalPortal.Data.Sharding;

namespace MedicalPortal.Web.Cli;

/// <summary>
/// <c>shards move --buckets FIRST-LAST --to NAME</c>: moves the buckets, with their patients, visits, enrollments and
/// audit history, to the shard named while the portal serves (docs/decisions/0022), with a progress bar. Exit 0 when
/// the buckets are on that shard (moved now, or there already); 2 for arguments that cannot be a move; 1 when another
/// move is unfinished or running, a shard does not answer, or verification finds a difference. Whatever stopped it,
/// the same command again finishes the move.
/// </summary>
internal sealed class ShardsMoveCommand : OperatorCommand
{
    private readonly Option<(int First, int Last)> _buckets = new("--buckets")
    {
        Description = $"The buckets to move, FIRST-LAST (0-{Buckets.Count - 1}), all on one shard now.",
        HelpName = "FIRST-LAST",
        Required = true,
        CustomParser = ParseRange,
    };

    private readonly Option<string> _to = new("--to")
    {
        Description = "The shard to move them to (see 'shards list'; 'shards add' adds one).",
        HelpName = "NAME",
        Required = true,
    };

    public ShardsMoveCommand()
        : base("move", "Move a range of buckets to another shard while the portal serves; the same command again finishes a move that stopped.")
    {
        Options.Add(_buckets);
        Options.Add(_to);
    }

    public override async Task<int> RunAsync(ParseResult parseResult, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var (first, last) = parseResult.GetRequiredValue(_buckets);
        var target = parseResult.GetRequiredValue(_to);

        // As a node starts: a shard the move does not touch need not answer.
        await services.GetRequiredService<IDatabaseInitializer>().InitializeServingAsync(cancellationToken);
        var moves = services.GetRequiredService<IBucketMoves>();
        if (moves.Problem(first, last, target) is { } problem)
        {
            await error.WriteLineAsync(problem);
            return BadUsage;
        }

        var actor = new AuditActor(null, $"shards move command ({Environment.UserName})");
        var bar = new ProgressBar(output, interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        try
        {
            var result = await moves.MoveAsync(first, last, target, actor, bar, cancellationToken);
            bar.Finish();
            switch (result.Outcome)
            {
                case BucketMoveOutcome.Moved:
                    await output.WriteLineAsync(result.Message + (result.Freeze is { } freeze
                        ? $" Writes to these buckets were held back for {freeze.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture)} ms."
                        : ""));
                    return 0;
                case BucketMoveOutcome.AlreadyThere:
                    await output.WriteLineAsync(result.Message);
                    return 0;
                case BucketMoveOutcome.Refused:
                    await error.WriteLineAsync(result.Message);
                    return BadUsage;
                default:
                    await error.WriteLineAsync(result.Message);
                    return 1;
            }
        }
        catch (ShardUnavailableException unavailable)
        {
            bar.Finish();
            await error.WriteLineAsync($"{unavailable.Message} The move stopped where it was; run the same command again once the shard answers.");
            return 1;
        }
        catch (BucketMoveVerificationException failed)
        {
            bar.Finish();
            await error.WriteLineAsync(failed.Message);
            return 1;
        }
    }

    private static (int, int) ParseRange(ArgumentResult result)
    {
        var token = result.Tokens[0].Value;
        var parts = token.Split('-');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            return (first, last);
        }

        if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var single))
        {
            return (single, single);
        }

        result.AddError($"{OptionName(result)} needs a range of buckets FIRST-LAST, such as 0-511, not '{token}'.");
        return (0, 0);
    }

    /// <summary>
    /// One bar per step of the move. On a terminal it is redrawn in place; into a file or a pipe a line is written at the
    /// start of each step and at each quarter, so a log of the move stays short.
    /// </summary>
    private sealed class ProgressBar(TextWriter output, bool interactive) : IProgress<BucketMoveProgress>
    {
        private const int Width = 30;
        private readonly Lock _writing = new();
        private string? _step;
        private int _quarter = -1;
        private bool _open;

        public void Report(BucketMoveProgress value)
        {
            lock (_writing)
            {
                var fraction = value.Total == 0 ? 1 : (double)value.Done / value.Total;
                var filled = (int)Math.Round(fraction * Width);
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{value.Step,-22} [{new string('#', filled)}{new string('.', Width - filled)}] {fraction,4:P0}  {value.Done}/{value.Total} buckets");
                if (interactive)
                {
                    if (_open && value.Step != _step)
                    {
                        output.WriteLine();
                    }

                    output.Write('\r' + line);
                    _open = true;
                }
                else if (value.Step != _step || (int)(fraction * 4) != _quarter)
                {
                    output.WriteLine(line);
                }

                (_step, _quarter) = (value.Step, (int)(fraction * 4));
            }
        }

        public void Finish()
        {
            lock (_writing)
            {
                if (_open)
                {
                    output.WriteLine();
                    _open = false;
                }
            }
        }
    }
}
