using System.Security.Claims;
using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Components.Pages.Patients;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MyRecordPage = MedicalPortal.Web.Components.Pages.MyRecord.MyRecord;

namespace MedicalPortal.Web.Tests.Components.Pages.MyRecord;

/// <summary>
/// A patient's own record: who they are and how to reach them, their visits, the studies they may join; updating their
/// contact details (and nothing else); giving and withdrawing consent; and all of it while the shard that holds the
/// record does not answer.
/// </summary>
public sealed class MyRecordTests : ComponentTestContext
{
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Render_OwnShardDown_SaysWhichShardCannotBeReached()
    {
        // Arrange
        var patient = await SeedAsync();
        var shard = this.TakeDownShardOf(patient.Id);

        // Act
        var cut = RenderPage();

        // Assert
        cut.WaitForAssertion(
            () => Assert.Equal(ShardUnavailableException.For(shard).Message, cut.Find("[data-testid='page-error']").TextContent.Trim()),
            _patience);
        Assert.Empty(cut.FindAll("[data-testid='my-name']"));
    }

    [Fact]
    public async Task Consent_ShardDownMeanwhile_ShowsTheMessageAndKeepsTheRecordOnScreen()
    {
        // Arrange: the patient opens their record; then its shard stops answering.
        var patient = await SeedAsync();
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal("Testy Ownrecord", cut.Find("[data-testid='my-name']").TextContent.Trim()), _patience);
        var shard = this.TakeDownShardOf(patient.Id);

        // Act
        await cut.InvokeAsync(() => cut.Find("[data-testid='my-study'] button").Click());
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[role='dialog'] button"), b => b.TextContent.Trim() == "I consent"), _patience);
        await cut.InvokeAsync(() => cut.FindAll("[role='dialog'] button").Single(b => b.TextContent.Trim() == "I consent").Click());

        // Assert: the message in the studies section; the record and the study as they were; no consent stored.
        cut.WaitForAssertion(
            () => Assert.Equal(ShardUnavailableException.For(shard).Message, cut.Find("[data-testid='my-studies'] .mud-alert").TextContent.Trim()),
            _patience);
        Assert.Equal("Testy Ownrecord", cut.Find("[data-testid='my-name']").TextContent.Trim());
        Assert.Contains("Not taking part", cut.Find("[data-testid='my-study']").TextContent, StringComparison.Ordinal);
        this.BringBackShard(shard);
        Assert.Empty(await Services.GetRequiredService<IEnrollmentStore>().ListForPatientAsync(patient.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Render_OwnRecord_ShowsIdentityContactVisitsAndTheRecruitingStudy()
    {
        // Arrange: the patient has one visit.
        var patient = await SeedAsync();
        var now = DateTimeOffset.UtcNow;
        await Services.GetRequiredService<IVisitStore>().AddAsync(AuditActor.System, Visit.Record(patient.Id, patient.BirthDate, new VisitInput
        {
            StartedAt = now.AddDays(-3), Type = VisitType.Telehealth, Clinician = "Dr. Own Record", Reason = "Follow the cough", DiagnosisCodes = ["J20.9"],
        }, now), CancellationToken.None);

        // Act
        var cut = RenderPage();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("Testy Ownrecord", cut.Find("[data-testid='my-name']").TextContent.Trim()), _patience);
        var identity = cut.FindAll("p").Single(p => p.TextContent.TrimStart().StartsWith("MRN", StringComparison.Ordinal));
        Assert.Equal($"MRN {patient.Mrn} · {PatientFormat.Sex(patient.Sex)} · born {patient.BirthDate:yyyy-MM-dd}", string.Join(' ', identity.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains("To correct your name, birth date or sex, please ask the clinic's front desk.", cut.Markup, StringComparison.Ordinal);
        var visit = Assert.Single(cut.FindAll("tr"), r => r.TextContent.Contains("Dr. Own Record", StringComparison.Ordinal));
        Assert.Contains("Follow the cough", visit.TextContent, StringComparison.Ordinal);
        Assert.Contains("J20.9", visit.TextContent, StringComparison.Ordinal);
        var study = cut.Find("[data-testid='my-study']");
        Assert.Contains("Recruiting test study", study.TextContent, StringComparison.Ordinal);
        Assert.Contains("Not taking part", study.TextContent, StringComparison.Ordinal);
        Assert.Equal(["I consent"], study.QuerySelectorAll("button").Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public async Task UpdateContactDetails_NewPhone_IsSavedAndShownAndTheNameIsUntouched()
    {
        // Arrange
        var patient = await SeedAsync();
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='my-name']")), _patience);

        // Act: the dialog offers contact fields only; a new phone number is saved.
        await cut.InvokeAsync(() => cut.FindAll("button").Single(b => b.TextContent.Trim() == "Update my contact details").Click());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[role='dialog'] button[type='submit']")), _patience);
        Assert.Equal(
            ["Phone", "E-mail", "Street address", "City", "State", "ZIP code"],
            cut.FindAll("[role='dialog'] label.mud-input-label").Select(l => l.TextContent.Trim()));
        var phone = cut.FindAll("[role='dialog'] label.mud-input-label").Single(l => l.TextContent.Trim() == "Phone").GetAttribute("for");
        cut.Find($"input[id='{phone}']").Input("555 010 4242");
        await cut.InvokeAsync(() => cut.Find("[role='dialog'] button[type='submit']").Click());

        // Assert: the dialog closes, the page shows the number, and the record holds it with the name unchanged.
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[role='dialog']")), _patience);
        cut.WaitForAssertion(() => Assert.Contains("555 010 4242", cut.Markup, StringComparison.Ordinal), _patience);
        var stored = await Services.GetRequiredService<IPatientStore>().FindAsync(patient.Id, CancellationToken.None);
        Assert.Equal(("555 010 4242", "Testy", "Ownrecord", patient.Version + 1), (stored?.Phone, stored?.GivenName, stored?.FamilyName, stored?.Version));
    }

    [Fact]
    public async Task Consent_ThenWithdraw_TheStudyRowFollowsAndTheEnrollmentIsStored()
    {
        // Arrange
        var patient = await SeedAsync();
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='my-study'] button")), _patience);
        var enrollments = Services.GetRequiredService<IEnrollmentStore>();

        // Act: consent, confirmed in the dialog.
        await cut.InvokeAsync(() => cut.Find("[data-testid='my-study'] button").Click());
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[role='dialog'] button"), b => b.TextContent.Trim() == "I consent"), _patience);
        await cut.InvokeAsync(() => cut.FindAll("[role='dialog'] button").Single(b => b.TextContent.Trim() == "I consent").Click());

        // Assert
        cut.WaitForAssertion(() => Assert.StartsWith("Consent given", cut.FindAll("[data-testid='my-study'] td")[1].TextContent.Trim(), StringComparison.Ordinal), _patience);
        Assert.Null(Assert.Single(await enrollments.ListForPatientAsync(patient.Id, CancellationToken.None)).WithdrawnAt);

        // Act: withdraw, confirmed.
        await cut.InvokeAsync(() => cut.FindAll("[data-testid='my-study'] button").Single(b => b.TextContent.Trim() == "Withdraw my consent").Click());
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("[role='dialog'] button"), b => b.TextContent.Trim() == "Withdraw"), _patience);
        await cut.InvokeAsync(() => cut.FindAll("[role='dialog'] button").Single(b => b.TextContent.Trim() == "Withdraw").Click());

        // Assert: not taking part again, and the consent is kept as withdrawn.
        cut.WaitForAssertion(() => Assert.Contains("Not taking part", cut.Find("[data-testid='my-study']").TextContent, StringComparison.Ordinal), _patience);
        Assert.NotNull(Assert.Single(await enrollments.ListForPatientAsync(patient.Id, CancellationToken.None)).WithdrawnAt);
    }

    /// <summary>A patient, signed in as themselves, and one study recruiting.</summary>
    private async Task<PatientDto> SeedAsync()
    {
        var authorization = await this.AddTestServicesAsync(RoleNames.Patient);
        var now = DateTimeOffset.UtcNow;
        var patient = await Services.GetRequiredService<IPatientStore>().AddAsync(
            AuditActor.System, Patient.Register(Guid.CreateVersion7(now), Mrn.Generate(), TestPatients.Input("Testy", "Ownrecord"), now),
            CancellationToken.None);
        await Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = "Recruiting test study", PrincipalInvestigator = "Dr. Test", Status = StudyStatus.Recruiting, StartDate = new DateOnly(2025, 1, 1),
        }, now), CancellationToken.None);
        authorization.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, "test-account-0001"),
            new Claim(PortalClaimTypes.PatientId, patient.Id.ToString()));
        return patient;
    }

    private IRenderedComponent<IComponent> RenderPage() => this.RenderInLayout<MyRecordPage>();
}
