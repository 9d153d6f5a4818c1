using Bunit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Web.Components.Pages.Admin;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Pages.Admin;

/// <summary>The audit trail as an auditor reads it, and while one database does not answer.</summary>
public sealed class AuditTrailTests : ComponentTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Render_AShardDown_ShowsWhichShardCannotBeReached()
    {
        // Arrange: the trail without filters reads the catalog's chain and every shard's.
        await this.AddTestServicesAsync(RoleNames.Admin);
        this.TakeDownShard("shard-1");

        // Act
        var cut = Render<AuditTrail>();

        // Assert
        cut.WaitForAssertion(
            () => Assert.Equal(ShardUnavailableException.For("shard-1").Message, cut.Find("[data-testid='audit-error']").TextContent.Trim()),
            Patience);
    }

    [Fact]
    public async Task Render_AChange_ShowsThePatientByMrnAndNameAndTheValuesSideBySide()
    {
        // Arrange: a patient's phone corrected by a doctor.
        await this.AddTestServicesAsync(RoleNames.Admin);
        var patients = Services.GetRequiredService<PatientService>();
        var doctor = new StaffUser(RoleNames.Doctor);
        var patient = await patients.RegisterAsync(doctor, TestPatients.Input("Wanda", "Trailed") with { Phone = "555 010 1000" }, CancellationToken.None);
        await patients.UpdateAsync(doctor, patient.Id, TestPatients.Input("Wanda", "Trailed") with { Phone = "555 010 2000", Mrn = patient.Mrn }, patient.Version, CancellationToken.None);

        // Act: the patient's history.
        var cut = RenderForPatient(patient.Id);

        // Assert
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid='audit-changes']")), Patience);
        // Newest first: the correction's changes come before the registration's.
        var correction = cut.FindAll("[data-testid='audit-changes']")[0];
        var phone = correction.QuerySelectorAll("tbody tr").Single(r => r.QuerySelector("th")!.TextContent.Trim() == "Phone");
        Assert.Equal(["555 010 1000", "555 010 2000"], phone.QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        var link = cut.FindAll("[data-testid='audit-patients'] a")[0];
        Assert.Equal($"{patient.Mrn} · Wanda Trailed", link.TextContent.Trim());
        Assert.Equal($"patients/{patient.Id}", link.GetAttribute("href"));
        Assert.Equal($"/downloads/audit.csv?patientId={patient.Id:D}", cut.Find("[data-testid='audit-download']").GetAttribute("href"));
    }

    [Fact]
    public async Task Render_AuditorWhoMayNotOpenRecords_SeesPatientsNamedWithoutLinks()
    {
        // Arrange: the Researcher role is made an auditor (AuditLog Retrieve) without any right on patients.
        await this.AddTestServicesAsync(RoleNames.Researcher);
        await Services.GetRequiredService<MedicalPortal.Core.Roles.IRoleDirectory>().GrantAsync(
            MedicalPortal.Core.Audit.AuditActor.System, RoleNames.Researcher, Resource.AuditLog, Operations.Retrieve, CancellationToken.None);
        var patient = await Services.GetRequiredService<PatientService>().RegisterAsync(
            new StaffUser(RoleNames.Doctor), TestPatients.Input("Xena", "Unlinked"), CancellationToken.None);

        // Act
        var cut = RenderForPatient(patient.Id);

        // Assert
        cut.WaitForAssertion(() => Assert.Contains("Xena Unlinked", cut.Find("[data-testid='audit-patients']").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(cut.FindAll("[data-testid='audit-patients'] a"));
    }

    private IRenderedComponent<AuditTrail> RenderForPatient(Guid patientId)
    {
        // Query parameters reach the page through the address, as in the browser.
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("patientId", patientId.ToString("D")));
        return Render<AuditTrail>();
    }
}
