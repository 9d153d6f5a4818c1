using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Studies;
using MedicalPortal.Web.Components.Pages.Studies;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Pages.Studies;

/// <summary>The study page shows each part only to the roles whose rights cover it.</summary>
public sealed class StudyDetailTests : ComponentTestContext
{
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Render_Researcher_ExportCardWithThePreviewAndNoParticipantList()
    {
        // Arrange
        var study = await SeedAsync(RoleNames.Researcher);

        // Act
        var cut = Render<StudyDetail>(p => p.Add(c => c.Id, study));

        // Assert: six consenting patients of one class (the withdrawn one is not counted), nobody held back at k = 5.
        cut.WaitForAssertion(() => Assert.Contains("6 patients have given consent.", Text(cut, "export-preview"), StringComparison.Ordinal), _patience);
        Assert.DoesNotContain("held back", Text(cut, "export-preview"), StringComparison.Ordinal);
        Assert.Equal($"/downloads/studies/{study:D}/export.csv", cut.Find("[data-testid='download-export']").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid='participants']"));
        Assert.Contains(cut.FindAll("button"), b => b.TextContent.Trim() == "Edit study");
    }

    [Fact]
    public async Task Render_Doctor_ParticipantsWithCountsAndNoExportOrEditing()
    {
        // Arrange
        var study = await SeedAsync(RoleNames.Doctor);

        // Act
        var cut = Render<StudyDetail>(p => p.Add(c => c.Id, study));

        // Assert
        cut.WaitForAssertion(() => Assert.Contains("6 with consent · 1 withdrawn.", Text(cut, "participants"), StringComparison.Ordinal), _patience);
        Assert.Equal(7, cut.FindAll("[data-testid='participants'] tbody tr").Count);
        Assert.Empty(cut.FindAll("[data-testid='export-card']"));
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() is "Edit study" or "Delete study" or "Close study");
    }

    [Fact]
    public async Task Render_UnknownStudy_SaysSo()
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Researcher);

        // Act
        var cut = Render<StudyDetail>(p => p.Add(c => c.Id, Guid.NewGuid()));

        // Assert
        cut.WaitForAssertion(() => Assert.NotEmpty(Text(cut, "page-error")), _patience);
        Assert.Empty(cut.FindAll("[data-testid='study-title']"));
    }

    [Fact]
    public async Task Render_DoctorWhileAShardIsDown_SaysTheParticipantsCannotBeListedAndStillShowsTheStudy()
    {
        // Arrange
        var study = await SeedAsync(RoleNames.Doctor);
        this.TakeDownShard("shard-1");

        // Act
        var cut = Render<StudyDetail>(p => p.Add(c => c.Id, study));

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("Component test study", Text(cut, "study-title").Trim()), _patience);
        Assert.Equal(
            "The participants cannot be listed right now: shard 'shard-1' did not answer. Try again in a few minutes.",
            Text(cut, "participants-error").Trim());
        Assert.DoesNotContain("with consent", Text(cut, "participants"), StringComparison.Ordinal);
        Assert.DoesNotContain("Nobody has consented yet.", Text(cut, "participants"), StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid='participants'] tbody tr"));
    }

    [Fact]
    public async Task Render_ResearcherWhileAShardIsDown_NamesTheShardInsteadOfTheNumbers()
    {
        // Arrange
        var study = await SeedAsync(RoleNames.Researcher);
        this.TakeDownShard("shard-0");

        // Act
        var cut = Render<StudyDetail>(p => p.Add(c => c.Id, study));

        // Assert
        cut.WaitForAssertion(() => Assert.Contains(
            "The participant numbers are unavailable right now: shard 'shard-0' did not answer.", Text(cut, "export-card"), StringComparison.Ordinal),
            _patience);
        Assert.Empty(cut.FindAll("[data-testid='export-preview']"));
    }

    /// <summary>A study with seven enrollments of one class: six consenting, one withdrawn.</summary>
    private async Task<Guid> SeedAsync(string role)
    {
        await this.AddTestServicesAsync(role);
        var now = DateTimeOffset.UtcNow;
        var study = await Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = "Component test study",
            PrincipalInvestigator = "Dr. Test",
            Status = StudyStatus.Active,
            StartDate = new DateOnly(2025, 1, 1),
        }, now), default);
        for (var i = 0; i < 7; i++)
        {
            var patient = Patient.Register(Guid.CreateVersion7(), Mrn.Generate(), new PatientInput
            {
                GivenName = "Testy", FamilyName = "Studyparticipant", BirthDate = new DateOnly(1970, 1, 1), Sex = Sex.Male, PostalCode = "02139",
            }, now);
            await Services.GetRequiredService<IPatientStore>().AddAsync(AuditActor.System, patient, default);
            var enrollment = await Services.GetRequiredService<IEnrollmentStore>().AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, now.AddDays(-1), now), default);
            if (i == 6)
            {
                await Services.GetRequiredService<IEnrollmentStore>().WithdrawAsync(AuditActor.System, enrollment.Id, now, default);
            }
        }

        return study.Id;
    }

    private static string Text(IRenderedComponent<StudyDetail> cut, string testId) =>
        cut.FindAll($"[data-testid='{testId}']") is { Count: > 0 } found ? found[0].TextContent : "";
}
