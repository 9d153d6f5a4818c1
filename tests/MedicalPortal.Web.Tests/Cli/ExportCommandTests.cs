using MedicalPortal.Core;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data;
using MedicalPortal.Web.Cli;
using MedicalPortal.Web.Hosting;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Web.Tests.Cli;

/// <summary><c>export --study ID --out FILE</c>, run the way Program.cs runs a command, on real SQLite files.</summary>
public sealed class ExportCommandTests : IAsyncLifetime
{
    private readonly string _directory = TestDatabaseSettings.NewDirectory();
    private Guid _study;

    public async Task InitializeAsync()
    {
        // A study with six consenting patients of one class (k = 5 keeps them all), written through the stores.
        await using var app = Build(["migrate"]);
        await app.Services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(default);
        var now = DateTimeOffset.UtcNow;
        var study = await app.Services.GetRequiredService<IStudyStore>().AddAsync(MedicalStudy.Create(new StudyInput
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
            await app.Services.GetRequiredService<IPatientStore>().AddAsync(patient, default);
            await app.Services.GetRequiredService<IEnrollmentStore>().AddAsync(Enrollment.Consent(_study, patient.Id, now.AddDays(-1), now), default);
        }
    }

    public Task DisposeAsync()
    {
        TestDatabaseSettings.Delete(_directory);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Export_KnownStudy_WritesTheCsvAndExits0()
    {
        // Arrange
        var output = Path.Combine(_directory, "out", "study.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        // Act
        var exitCode = await RunAsync(["export", "--study", _study.ToString(), "--out", output]);

        // Assert
        Assert.Equal(0, exitCode);
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(string.Join(',', ResearchCsv.Header), lines[0]);
        Assert.Equal(6, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.EndsWith(",1970,female,021,,,,,,,,,", l[32..], StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Commandline", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(output)!)); // no temporary file left behind
    }

    [Fact]
    public async Task Export_UnknownStudy_Exits1AndWritesNothing()
    {
        // Arrange
        var output = Path.Combine(_directory, "unknown.csv");

        // Act
        var exitCode = await RunAsync(["export", "--study", Guid.NewGuid().ToString(), "--out", output]);

        // Assert
        Assert.Equal(1, exitCode);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Extract_OnePass_RecordsACompletedRunWithItsFile()
    {
        // Act
        var exitCode = await RunAsync(["extract"]);

        // Assert
        Assert.Equal(0, exitCode);
        await using var app = Build([]);
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
        var exitCode = await RunAsync(commandLine.Split(' '));

        // Assert
        Assert.Equal(2, exitCode);
    }

    private async Task<int> RunAsync(string[] args)
    {
        var command = PortalCommand.Parse(args);
        await using var app = Build(command.HostArguments);
        return await command.RunAsync(app);
    }

    /// <summary>The portal's host as Program.cs builds it, on this test's files, in Production (no demo data).</summary>
    private WebApplication Build(string[] hostArguments)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = hostArguments,
            EnvironmentName = Environments.Production,
            ContentRootPath = _directory,
        });
        builder.Configuration.AddInMemoryCollection(TestDatabaseSettings.For(_directory));
        builder.Configuration["Export:PseudonymKey"] = Convert.ToBase64String(new byte[32]);
        builder.Configuration["Audit:HmacKey"] = Convert.ToBase64String(new byte[32]);
        builder.Logging.ClearProviders();
        builder.AddMedicalPortalCore();
        builder.AddMedicalPortalData();
        builder.AddMedicalPortalWeb();
        return builder.Build();
    }
}
