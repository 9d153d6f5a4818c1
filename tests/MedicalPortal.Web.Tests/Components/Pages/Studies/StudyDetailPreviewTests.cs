using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Components.Pages.Studies;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Pages.Studies;

/// <summary>
/// The export preview a researcher sees (k = 5): small numbers only as "fewer than 5", and what happens to rare
/// diagnosis codes.
/// </summary>
public sealed class StudyDetailPreviewTests : ComponentTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Render_ThreeParticipants_DoesNotSayHowMany()
    {
        // Arrange
        var study = await SeedAsync(codesPerPatient: [[], [], []]);

        // Act
        var cut = Render<StudyDetail>(p => p.Add(c => c.Id, study));

        // Assert: the three of them are one class of fewer than five, so they are held back as well.
        cut.WaitForAssertion(() => Assert.Equal(
            "Fewer than 5 patients have given consent. Fewer than 5 of them are held back, because fewer than 5 patients share their birth year, sex and area.",
            Text(cut, "export-preview")), Patience);
        Assert.DoesNotContain("3 patients", Text(cut, "export-card"), StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid='export-preview-codes']"));
    }

    [Fact]
    public async Task Render_RareDiagnosisCodes_SaysHowManyAreGeneralizedAndLeftOut()
    {
        // Arrange: five patients with five different codes of E11 (E11 goes out for all five), one with a code of
        // its own (left out).
        var study = await SeedAsync(codesPerPatient: [["E11.0"], ["E11.1"], ["E11.9"], ["E11.65"], ["E11.21"], ["S72.001A"]]);

        // Act
        var cut = Render<StudyDetail>(p => p.Add(c => c.Id, study));

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("6 patients have given consent.", Text(cut, "export-preview")), Patience);
        Assert.Equal(
            "Of the diagnosis codes, 5 are shown only as their three-character category and fewer than 5 are left out, too rare even as a category: "
                + "fewer than 5 of the exported patients hold each of them, and so rare a code could single a patient out.",
            Text(cut, "export-preview-codes"));
    }

    /// <summary>A study with one consenting patient per entry, all of one class, each with one visit holding those codes.</summary>
    private async Task<Guid> SeedAsync(string[][] codesPerPatient)
    {
        await this.AddTestServicesAsync(RoleNames.Researcher);
        var now = DateTimeOffset.UtcNow;
        var study = await Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = "Preview test study",
            PrincipalInvestigator = "Dr. Test",
            Status = StudyStatus.Active,
            StartDate = new DateOnly(2025, 1, 1),
        }, now), default);
        foreach (var codes in codesPerPatient)
        {
            var birthDate = new DateOnly(1970, 1, 1);
            var patient = Patient.Register(Guid.CreateVersion7(), Mrn.Generate(), new PatientInput
            {
                GivenName = "Testy", FamilyName = "Previewparticipant", BirthDate = birthDate, Sex = Sex.Female, PostalCode = "02139",
            }, now);
            await Services.GetRequiredService<IPatientStore>().AddAsync(AuditActor.System, patient, default);
            await Services.GetRequiredService<IVisitStore>().AddAsync(AuditActor.System, Visit.Record(patient.Id, birthDate, new VisitInput
            {
                StartedAt = now.AddDays(-1), Type = VisitType.Checkup, Clinician = "Dr. Test", DiagnosisCodes = codes,
            }, now), default);
            await Services.GetRequiredService<IEnrollmentStore>().AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, now.AddDays(-1), now), default);
        }

        return study.Id;
    }

    private static string Text(IRenderedComponent<StudyDetail> cut, string testId) =>
        cut.FindAll($"[data-testid='{testId}']") is { Count: > 0 } found ? NormalizedSpace(found[0].TextContent) : "";

    private static string NormalizedSpace(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
