using System.CommandLine;
using System.CommandLine.Parsing;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data;

namespace MedicalPortal.Web.Cli;

/// <summary>
/// <c>export --study ID --out FILE</c>: the full export of one study, as a researcher's download would give it, into a
/// file. Written under a temporary name and renamed when complete, so a half-written export never carries the final
/// name. Audited as this command.
/// </summary>
internal sealed class ExportCommand : OperatorCommand
{
    private readonly Option<Guid> _study = new("--study")
    {
        Description = "The study's id.",
        HelpName = "ID",
        Required = true,
        CustomParser = ParseStudyId,
    };

    private readonly Option<string> _output = new("--out")
    {
        Description = "The CSV file to write; replaced if it exists.",
        HelpName = "FILE",
        Required = true,
    };

    public ExportCommand()
        : base("export", "Write the study's full anonymized export to FILE (CSV).")
    {
        _output.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError($"{_output.Name} needs a file name.");
            }
        });
        Options.Add(_study);
        Options.Add(_output);
    }

    public override async Task<int> RunAsync(ParseResult parseResult, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var studyId = parseResult.GetValue(_study);
        await services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(cancellationToken);
        if (await services.GetRequiredService<IStudyStore>().FindAsync(studyId, cancellationToken) is null)
        {
            await parseResult.InvocationConfiguration.Error.WriteLineAsync($"There is no study {studyId:D}.");
            return 1;
        }

        var path = Path.GetFullPath(parseResult.GetRequiredValue(_output));
        var temporary = Path.Combine(Path.GetDirectoryName(path) ?? ".", $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            ExportSummary summary;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                var actor = new AuditActor(null, $"export command ({Environment.UserName})");
                summary = await services.GetRequiredService<ExportService>().WriteAsync(actor, studyId, file, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(
                $"Wrote {summary.Rows:N0} rows for {summary.Patients:N0} patients to {path}; {summary.SuppressedPatients:N0} held back by k-anonymity, {summary.GeneralizedPatients:N0} generalized, "
                + $"{summary.GeneralizedCodes:N0} diagnosis codes shown as their category, {summary.SuppressedCodes:N0} left out.");
            return 0;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static Guid ParseStudyId(ArgumentResult result)
    {
        var token = result.Tokens[0].Value;
        if (Guid.TryParse(token, out var id))
        {
            return id;
        }

        result.AddError($"{OptionName(result)} needs a study id (a GUID), not '{token}'.");
        return Guid.Empty;
    }
}
