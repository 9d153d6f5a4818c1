using System.CommandLine;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Validation;
using MedicalPortal.Data;

namespace MedicalPortal.Web.Cli;

/// <summary>
/// <c>accounts add --email E --name N --role R</c>, the password on standard input: a staff account made by whoever
/// runs the portal's databases, audited as this command. It is how a new installation gets its first administrator
/// (outside Development no account exists); after that, administrators manage accounts in the portal. The password is
/// read from standard input (one line, as <c>docker login --password-stdin</c> does), so it never appears in a process
/// list or a shell history, and is never printed. Input that breaks the account rules or an e-mail in use is bad usage
/// (2), and nothing is written.
/// </summary>
internal sealed class AccountsAddCommand : OperatorCommand
{
    private readonly Option<string> _email = new("--email")
    {
        Description = "The staff member's e-mail, which they sign in with.",
        HelpName = "E",
        Required = true,
    };

    private readonly Option<string> _role = new("--role")
    {
        Description = "A staff role, such as Admin, Doctor, Nurse, Receptionist or Researcher (any role but Patient).",
        HelpName = "R",
        Required = true,
    };

    private readonly Option<string> _name = new("--name")
    {
        Description = "The staff member's name, as the portal shows it.",
        HelpName = "N",
        Required = true,
    };

    public AccountsAddCommand()
        : base("add", "Add a staff account (the first administrator, say); the password is read from standard input.")
    {
        Options.Add(_email);
        Options.Add(_role);
        Options.Add(_name);
    }

    public override async Task<int> RunAsync(ParseResult parseResult, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var input = new StaffAccountInput
        {
            Email = parseResult.GetRequiredValue(_email),
            Role = parseResult.GetRequiredValue(_role),
            DisplayName = parseResult.GetRequiredValue(_name),
            Password = await Input.ReadLineAsync(cancellationToken),
        }.Cleaned();

        // What the input itself gets wrong is told before any database is touched.
        if (AccountRules.ValidateStaff(input) is { IsValid: false } errors)
        {
            return await RefuseAsync(error, errors.ToDictionary());
        }

        await services.GetRequiredService<IDatabaseInitializer>().InitializeServingAsync(cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<IAccountDirectory>();
        if (await accounts.EmailInUseAsync(input.Email!, cancellationToken))
        {
            await error.WriteLineAsync("email: An account with this e-mail exists already.");
            return BadUsage;
        }

        try
        {
            var account = await accounts.CreateStaffAsync(new AuditActor(null, $"accounts add command ({Environment.UserName})"), input, cancellationToken);
            await output.WriteLineAsync($"Added the {string.Join(", ", account.Roles)} account {account.Email}: it can sign in now.");
            return 0;
        }
        catch (ValidationFailedException refused)
        {
            return await RefuseAsync(error, refused.Errors);
        }
    }

    private static async Task<int> RefuseAsync(TextWriter error, IReadOnlyDictionary<string, string[]> errors)
    {
        foreach (var (field, messages) in errors)
        {
            foreach (var message in messages)
            {
                await error.WriteLineAsync($"{field}: {message}");
            }
        }

        return BadUsage;
    }
}
