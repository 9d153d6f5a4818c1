using System.Security.Claims;
using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MyRecordPage = MedicalPortal.Web.Components.Pages.MyRecord.MyRecord;

namespace MedicalPortal.Web.Tests.Components.Pages.MyRecord;

/// <summary>A patient's own record, while the shard that holds it does not answer.</summary>
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
