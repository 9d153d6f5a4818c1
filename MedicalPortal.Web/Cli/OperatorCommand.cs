using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MedicalPortal.Web.Cli;

/// <summary>
/// An operator command: System.CommandLine parses its options, and it runs on the portal's services once the host is
/// built and its options are validated. <see cref="PortalCommandLine"/> builds the host and turns failures into exit
/// codes; a command only does its work and writes to <see cref="ParseResult.InvocationConfiguration"/>.
/// </summary>
internal abstract class OperatorCommand(string name, string description) : Command(name, description)
{
    /// <summary>The exit code of arguments that only the databases show to be wrong, such as a name already taken.</summary>
    protected const int BadUsage = 2;

    /// <summary>Where a command reads what is piped to it, such as a password; the console unless a test says otherwise.</summary>
    public TextReader Input { get; set; } = Console.In;

    /// <summary>Does the command's work; returns the exit code (0 success, 1 failure, <see cref="BadUsage"/>).</summary>
    public abstract Task<int> RunAsync(ParseResult parseResult, IServiceProvider services, CancellationToken cancellationToken);

    /// <summary>A whole number of 0 or more, digits only: a count such as <c>--patients</c>.</summary>
    protected static int ParseCount(ArgumentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var token = result.Tokens[0].Value;
        if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return count;
        }

        result.AddError($"{OptionName(result)} needs a whole number of 0 or more, not '{token}'.");
        return 0;
    }

    /// <summary>The option a value was given for, as the operator typed it, for messages.</summary>
    protected static string OptionName(ArgumentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
    }
}
