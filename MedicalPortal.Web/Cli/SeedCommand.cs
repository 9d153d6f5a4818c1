using System.CommandLine;
using MedicalPortal.Data;
using MedicalPortal.Data.Seeding;

namespace MedicalPortal.Web.Cli;

/// <summary>
/// <c>seed --patients N [--visits-per-patient M] [--random-seed S]</c>: generated patients, in batches, in the
/// Development environment only.
/// </summary>
internal sealed class SeedCommand : OperatorCommand
{
    private readonly Option<int> _patients = new("--patients")
    {
        Description = "How many generated patients to add.",
        HelpName = "N",
        Required = true,
        CustomParser = ParseCount,
    };

    private readonly Option<int> _visitsPerPatient = new("--visits-per-patient")
    {
        Description = "Visits generated for each patient.",
        HelpName = "M",
        DefaultValueFactory = _ => 0,
        CustomParser = ParseCount,
    };

    private readonly Option<int?> _randomSeed = new("--random-seed")
    {
        Description = "Generate the same patients on every run and shard layout.",
        HelpName = "S",
        CustomParser = result => ParseCount(result),
    };

    public SeedCommand()
        : base("seed", "Add N generated patients with M visits each.")
    {
        Options.Add(_patients);
        Options.Add(_visitsPerPatient);
        Options.Add(_randomSeed);
    }

    public override async Task<int> RunAsync(ParseResult parseResult, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);

        // Generated patients in a clinic's real records would be indistinguishable from real ones to whoever reads them.
        if (!services.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            await parseResult.InvocationConfiguration.Error.WriteLineAsync(
                "seed adds generated patients, for development and benchmarks only: it runs in the Development environment " +
                $"only, and this is {services.GetRequiredService<IHostEnvironment>().EnvironmentName}. " +
                "Nothing was added. Add --environment Development where that is what you mean.");
            return BadUsage;
        }

        await services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var seeder = scope.ServiceProvider.GetRequiredService<IDataSeeder>();

        // Progress reports arrive on the thread pool, possibly while the last line is written.
        var output = TextWriter.Synchronized(parseResult.InvocationConfiguration.Output);
        var started = TimeProvider.System.GetTimestamp();
        var progress = new Progress<SeedResult>(r => output.WriteLine(
            $"  {r.Patients:N0} patients, {r.Visits:N0} visits ({TimeProvider.System.GetElapsedTime(started).TotalSeconds:N0} s)"));
        var result = await seeder.SeedPatientsAsync(
            parseResult.GetValue(_patients), parseResult.GetValue(_visitsPerPatient), progress, cancellationToken,
            parseResult.GetValue(_randomSeed));
        await output.WriteLineAsync(
            $"Seeded {result.Patients:N0} patients and {result.Visits:N0} visits in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:N1} s.");
        return 0;
    }
}
