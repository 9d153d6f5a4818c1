using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data;
using MedicalPortal.Testing;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Cli;

/// <summary><c>export --study ID --out FILE</c> and <c>extract</c>, run the way Program.cs runs a command, on real SQLite files.</summary>
public sealed class ExportCommandTests : IAsyncLifetime, IDisposable
{
    private readonly CommandLineHarness _commandLine = new();
    private Guid _study;

    public async Task InitializeAsync()
    {
        // A study with six consenting patients of one class (k = 5 keeps them all), written through the stores.
        await using var app = _commandLine.Build([]);
        await app.Services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(default);
        var now = DateTimeOffset.UtcNow;
        var study = await app.Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = "Command line study",
            PrincipalInvestigator = "Dr. Test",
            Status = StudyStatus.Active,
            StartDate = new DateOnly(2025, 1, 1),
        }, now), default);
        _study = study.Id;
        for (var i = 0; i < 6; i++)
        {
            var patient = Patient.Register(Guid.CreateVersion7(), Mrn.Generate(), new PatientInput
            {
                GivenName = "Testy",
                FamilyName = "Commandline",
                BirthDate = new DateOnly(1970, 1, 1),
                Sex = Sex.Female,
                PostalCode = "02139",
            }, now);
            await app.Services.GetRequiredService<IPatientStore>().AddAsync(AuditActor.System, patient, default);
            await app.Services.GetRequiredService<IEnrollmentStore>().AddAsync(AuditActor.System, Enrollment.Consent(_study, patient.Id, now.AddDays(-1), now), default);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _commandLine.Dispose();

    [Fact]
    public async Task Export_KnownStudy_WritesTheCsvAndExits0()
    {
        // Arrange
        var output = Path.Combine(_commandLine.Directory, "out", "study.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        // Act
        var run = await _commandLine.RunAsync("export", "--study", _study.ToString(), "--out", output);

        // Assert
        Assert.Equal(0, run.ExitCode);
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(string.Join(',', ResearchCsv.Header), lines[0]);
        Assert.Equal(6, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.EndsWith(",1970,female,021,,,,,,,,,", l[32..], StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Commandline", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(output)!)); // no temporary file left behind
    }

    [Theory]
    [InlineData("export")]
    [InlineData("extract")]
    [InlineData("verify-audit")]
    public async Task Command_ShardDown_Exits1WithOneLineNamingTheShardAndItsKey(string command)
    {
        // Arrange
        var output = Path.Combine(_commandLine.Directory, "out", "study.csv");
        SqliteOutage.TakeDown(TestDatabaseSettings.For(_commandLine.Directory)["Database:Shards:1:ConnectionString"]!);

        // Act
        var run = await _commandLine.RunAsync(command == "export" ? ["export", "--study", _study.ToString(), "--out", output] : [command]);

        // Assert
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("The shard 'shard-1' database (Database:Shards:1:ConnectionString) cannot be reached", line, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Export_UnknownStudy_Exits1AndWritesNothing()
    {
        // Arrange
        var output = Path.Combine(_commandLine.Directory, "unknown.csv");

        // Act
        var run = await _commandLine.RunAsync("export", "--study", Guid.NewGuid().ToString(), "--out", output);

        // Assert
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("There is no study", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Extract_OnePass_RecordsACompletedRunWithItsFile()
    {
        // Act
        var command = await _commandLine.RunAsync("extract");

        // Assert
        Assert.Equal(0, command.ExitCode);
        await using var app = _commandLine.Build([]);
        var run = Assert.Single(await app.Services.GetRequiredService<IExtractionStore>().ListAsync(_study, default));
        Assert.Equal(ExtractionStatus.Completed, run.Status);
        Assert.True(File.Exists(app.Services.GetRequiredService<IExtractionFileStore>().Find(run)));
    }

    [Theory]
    [InlineData("export")]
    [InlineData("export --study not-a-guid --out x.csv")]
    [InlineData("export --study 0198f0a0-2026-8000-8000-000000000001")]
    public async Task Export_BadUsage_Exits2(string commandLine)
    {
        // Act
        var run = await _commandLine.RunAsync(commandLine.Split(' '));

        // Assert
        Assert.Equal(2, run.ExitCode);
    }
}
