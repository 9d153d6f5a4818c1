using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Components.Pages.Visits;
using MedicalPortal.Web.Hosting;
using MedicalPortal.Web.Tests.Infrastructure;
using static MedicalPortal.Web.Tests.Infrastructure.MudForms;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace MedicalPortal.Web.Tests.Components.Pages.Visits;

/// <summary>
/// The visit form, opened the way a patient's record opens it: it starts at the clinic's now with the clinician filled
/// in, shows Core's rules under the fields they concern and stores nothing while one is broken, records the visit in the
/// clinic's time, and keeps a correction from overwriting someone else's.
/// </summary>
public sealed class VisitFormDialogTests : ComponentTestContext
{
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Open_NewVisit_StartsNowAsACheckupByTheSignedInClinician()
    {
        // Arrange
        var (cut, patient, _) = await RenderProvidersAsync();

        // Act
        await ShowAsync(cut, patient, visit: null);

        // Assert: today's date, a checkup, and a clinician already filled in.
        var clock = Services.GetRequiredService<ClinicClock>();
        Assert.Equal(clock.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Input(cut, "Date").GetAttribute("value"));
        Assert.Equal(VisitFormat.Type(VisitType.Checkup), Input(cut, "Visit type").GetAttribute("value"));
        Assert.False(string.IsNullOrWhiteSpace(Input(cut, "Clinician").GetAttribute("value")));
    }

    [Fact]
    public async Task Record_ValidVisit_StoresItWithItsVitalsAndCodesAndClosesWithIt()
    {
        // Arrange
        var (cut, patient, visits) = await RenderProvidersAsync();
        var dialog = await ShowAsync(cut, patient, visit: null);
        // The pickers take a typed value a moment later on a busy machine; the form is not sent before both show it
        // (a date still at today with the time of 09:30 would be a visit in the future before 09:30 UTC).
        Input(cut, "Date").Change("2026-03-04");
        cut.WaitForAssertion(() => Assert.Equal("2026-03-04", Input(cut, "Date").GetAttribute("value")), _patience);
        Input(cut, "Time").Change("09:30");
        cut.WaitForAssertion(() => Assert.Equal("09:30", Input(cut, "Time").GetAttribute("value")), _patience);
        Input(cut, "Clinician").Input("Dr. Form Test");
        Input(cut, "Reason for visit").Input("Annual check");
        Input(cut, "Weight (kg)").Input("72.5");
        Input(cut, "Systolic (mmHg)").Input("121");
        Input(cut, "Diastolic (mmHg)").Input("79");
        Input(cut, "Heart rate (/min)").Input("64");
        Input(cut, "Diagnoses (ICD-10)").Input("I10, E11.9");

        // Act
        SubmitButton(cut, "Record visit").Click();
        cut.WaitForAssertion(() => Assert.True(dialog.Result.IsCompleted, "The form is still open: " + string.Join(" ", FormMessages(cut))), _patience);
        var result = await dialog.Result;

        // Assert: the visit, in the clinic's time (UTC in these tests), as the patient's record will list it.
        var recorded = Assert.IsType<VisitDto>(result?.Data);
        Assert.Equal(
            (new DateTimeOffset(2026, 3, 4, 9, 30, 0, TimeSpan.Zero), VisitType.Checkup, "Dr. Form Test", "Annual check", 72.5m, 121, 79, 64),
            (recorded.StartedAt, recorded.Type, recorded.Clinician, recorded.Reason, recorded.WeightKg, recorded.Systolic, recorded.Diastolic, recorded.HeartRate));
        Assert.Equal(["I10", "E11.9"], recorded.DiagnosisCodes);
        var stored = Assert.Single(await ListAsync(visits, patient));
        Assert.Equal((recorded.Id, recorded.StartedAt, recorded.Systolic), (stored.Id, stored.StartedAt, stored.Systolic));
        Assert.Equal(recorded.DiagnosisCodes, stored.DiagnosisCodes);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[role='dialog']")), _patience);
    }

    [Fact]
    public async Task Record_ImplausibleVitalsAndAnUnknownCode_ShowsEachRuleUnderItsFieldAndStoresNothing()
    {
        // Arrange
        var (cut, patient, visits) = await RenderProvidersAsync();
        var dialog = await ShowAsync(cut, patient, visit: null);
        Input(cut, "Systolic (mmHg)").Input("500");
        Input(cut, "Diastolic (mmHg)").Input("80");
        Input(cut, "Temperature (°C)").Input("12");
        Input(cut, "Diagnoses (ICD-10)").Input("not-a-code");

        // Act
        SubmitButton(cut, "Record visit").Click();

        // Assert
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(["Systolic pressure must be between 40 and 300 mmHg."], MessagesUnder(cut, "Systolic (mmHg)"));
            Assert.Equal(["Temperature must be between 25 and 45 °C."], MessagesUnder(cut, "Temperature (°C)"));
            Assert.Equal(["Diagnosis codes must be ICD-10 codes such as E11.9 or J45.909."], MessagesUnder(cut, "Diagnoses (ICD-10)"));
        }, _patience);
        Assert.Empty(MessagesUnder(cut, "Weight (kg)"));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Empty(await ListAsync(visits, patient));
    }

    [Fact]
    public async Task Record_BeforeThePatientWasBorn_SaysSoUnderTheDateAndStoresNothing()
    {
        // Arrange: the test patient was born on 1980-01-02.
        var (cut, patient, visits) = await RenderProvidersAsync();
        var dialog = await ShowAsync(cut, patient, visit: null);
        Input(cut, "Date").Change("1979-12-31");

        // Act
        SubmitButton(cut, "Record visit").Click();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(["A visit cannot be before the patient's birth date."], MessagesUnder(cut, "Date")), _patience);
        Assert.False(dialog.Result.IsCompleted);
        Assert.Empty(await ListAsync(visits, patient));
    }

    [Fact]
    public async Task Save_VisitCorrectedMeanwhile_ShowsTheConflictAndKeepsTheOtherCorrection()
    {
        // Arrange: the form edits version 1 of a visit; someone else saves version 2.
        var (cut, patient, visits) = await RenderProvidersAsync();
        var now = DateTimeOffset.UtcNow;
        var input = new VisitInput { StartedAt = now.AddHours(-2), Type = VisitType.FollowUp, Clinician = "Dr. First", Reason = "Review" };
        var original = await visits.AddAsync(AuditActor.System, Visit.Record(patient.Id, patient.BirthDate, input, now), CancellationToken.None);
        var dialog = await ShowAsync(cut, patient, original);
        Assert.Equal("Review", Input(cut, "Reason for visit").GetAttribute("value"));
        await visits.UpdateAsync(
            AuditActor.System, original.Id, original.Version, patient.BirthDate, input with { Reason = "Reviewed by the other clinician" }, now, CancellationToken.None);
        Input(cut, "Reason for visit").Input("Reviewed here");

        // Act
        SubmitButton(cut, "Save").Click();

        // Assert: the form stays open with the conflict; the other correction stands.
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.Find("[data-testid='conflict']").TextContent.Trim()), _patience);
        Assert.False(dialog.Result.IsCompleted);
        var stored = Assert.Single(await ListAsync(visits, patient));
        Assert.Equal(("Reviewed by the other clinician", original.Version + 1), (stored.Reason, stored.Version));
    }

    /// <summary>The providers MainLayout renders, on the test services, signed in as a doctor; and a patient.</summary>
    private async Task<(IRenderedComponent<IComponent> Cut, PatientDto Patient, IVisitStore Visits)> RenderProvidersAsync()
    {
        await this.AddTestServicesAsync(RoleNames.Doctor);
        var patient = (await Services.GetRequiredService<IPatientStore>().SeedAsync([("Testy", "Visitform")]))[0];
        var cut = Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
        });
        return (cut, patient, Services.GetRequiredService<IVisitStore>());
    }

    /// <summary>Opens the form as PatientVisits does, and waits for it.</summary>
    private async Task<IDialogReference> ShowAsync(IRenderedComponent<IComponent> cut, PatientDto patient, VisitDto? visit)
    {
        var dialogs = Services.GetRequiredService<IDialogService>();
        var dialog = await cut.InvokeAsync(() => dialogs.ShowAsync<VisitFormDialog>(
            visit is null ? "Record visit" : "Edit visit",
            new DialogParameters<VisitFormDialog>
            {
                { d => d.PatientId, patient.Id },
                { d => d.PatientBirthDate, patient.BirthDate },
                { d => d.Visit, visit },
            },
            VisitFormDialog.Options));
        cut.WaitForAssertion(() => SubmitButton(cut, visit is null ? "Record visit" : "Save"), _patience);
        return dialog;
    }

    // What the form says is wrong, if anything: the messages under its fields and its alerts.
    private static IEnumerable<string> FormMessages(IRenderedComponent<IComponent> cut) =>
        cut.FindAll("[role='dialog'] .mud-input-error, [role='dialog'] .mud-alert").Select(e => e.TextContent.Trim());

    private static async Task<IReadOnlyList<VisitDto>> ListAsync(IVisitStore visits, PatientDto patient) =>
        (await visits.ListForPatientAsync(patient.Id, cursor: null, limit: 50, CancellationToken.None))?.Items
        ?? throw new InvalidOperationException("The test patient is gone.");
}
