using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Components.Pages.Patients;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace MedicalPortal.Web.Tests.Components.Pages.Patients;

/// <summary>The visits part of the patient record, on its own: it shows what the rights it is given allow, and asks its page for the rest.</summary>
public sealed class PatientVisitsTests : ComponentTestContext
{
    [Theory]
    [InlineData(RoleNames.Doctor, new[] { "Edit visit", "Delete visit", "Record visit" })]
    [InlineData(RoleNames.Nurse, new[] { "Edit visit", "Record visit" })]
    [InlineData(RoleNames.Receptionist, new string[0])]
    public async Task Render_GivenRights_ShowsExactlyTheVisitActionsTheyAllow(string role, string[] expected)
    {
        // Arrange
        var (patient, visit) = await SeedAsync(role);

        // Act
        var cut = Render<PatientVisits>(p => Parameters(p, patient, RightsOf(role), [visit]));

        // Assert
        Assert.Equal(
            expected.Order(StringComparer.Ordinal),
            cut.FindAll("button").Select(b => b.GetAttribute("aria-label") ?? b.TextContent.Trim()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ShowOlderVisits_Clicked_AsksThePageForThem()
    {
        // Arrange
        var (patient, visit) = await SeedAsync(RoleNames.Nurse);
        var asked = 0;
        var cut = Render<PatientVisits>(p => Parameters(p, patient, RightsOf(RoleNames.Nurse), [visit])
            .Add(c => c.HasOlderVisits, true)
            .Add(c => c.ShowOlder, () => asked++));

        // Act
        await cut.InvokeAsync(() => cut.FindAll("button").Single(b => b.TextContent.Trim() == "Show older visits").Click());

        // Assert
        Assert.Equal(1, asked);
    }

    [Fact]
    public async Task DeleteVisit_Confirmed_RunsTheChangeThroughThePage()
    {
        // Arrange: the page's runner is the test's; the dialogs show in the provider next to the part.
        var (patient, visit) = await SeedAsync(RoleNames.Doctor);
        var runs = 0;
        var cut = Render(builder =>
        {
            builder.OpenComponent<MudDialogProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<PatientVisits>(1);
            builder.AddComponentParameter(2, nameof(PatientVisits.Patient), patient);
            builder.AddComponentParameter(3, nameof(PatientVisits.Rights), RightsOf(RoleNames.Doctor));
            builder.AddComponentParameter(4, nameof(PatientVisits.Visits), new[] { visit });
            builder.AddComponentParameter(5, nameof(PatientVisits.Run), EventCallback.Factory.Create<Func<ICurrentUser, Task>>(this, _ => runs++));
            builder.CloseComponent();
        });

        // Act
        await cut.InvokeAsync(() => cut.Find("button[aria-label='Delete visit']").Click());
        cut.WaitForAssertion(() => Assert.Contains("Delete the visit of", cut.Find("[role='dialog']").TextContent, StringComparison.Ordinal));
        await cut.InvokeAsync(() => cut.FindAll("[role='dialog'] button").Single(b => b.TextContent.Trim() == "Delete").Click());

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(1, runs));
    }

    private static ComponentParameterCollectionBuilder<PatientVisits> Parameters(
        ComponentParameterCollectionBuilder<PatientVisits> parameters, PatientDto patient, UserRights rights, IReadOnlyList<VisitDto> visits) =>
        parameters
            .Add(c => c.Patient, patient)
            .Add(c => c.Rights, rights)
            .Add(c => c.Visits, visits);

    private static UserRights RightsOf(string role) => UserRights.Of(new StaffUser(role), DefaultPermissions.Matrix);

    /// <summary>A patient with one visit, stored through the real stores, and a caller in <paramref name="role"/>.</summary>
    private async Task<(PatientDto Patient, VisitDto Visit)> SeedAsync(string role)
    {
        await this.AddTestServicesAsync(role);
        var patient = (await Services.GetRequiredService<IPatientStore>().SeedAsync([("Testy", "Visitholder")]))[0];
        var now = DateTimeOffset.UtcNow;
        var visit = await Services.GetRequiredService<IVisitStore>().AddAsync(AuditActor.System, Visit.Record(patient.Id, patient.BirthDate, new VisitInput
        {
            StartedAt = now.AddDays(-1), Type = VisitType.Checkup, Clinician = "Dr. Test", Reason = "Check",
        }, now), CancellationToken.None);
        return (patient, visit);
    }
}
