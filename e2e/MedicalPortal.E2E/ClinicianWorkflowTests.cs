using System.Text.RegularExpressions;
using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E;

/// <summary>A doctor's day in real Chromium: sign in, register, record a visit, find, edit against a colleague, sign out.</summary>
[Collection(PortalTests.Name)]
public sealed partial class ClinicianWorkflowTests(PortalFixture portal)
{
    [Fact]
    public async Task Doctor_RegistersFindsAndRecordsVisit_ThenColleaguesStaleEditIsRefused()
    {
        // Letters only (names are validated); unique per run so the search finds exactly this patient.
        var family = "Zed" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(8).Select(char.ToLowerInvariant));
        var doctor = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);

        try
        {
            await new LoginPage(doctor).SignInAsync("doctor@clinic.test");
            await Expect(new AppBar(doctor).SignedInAs).ToContainTextAsync("Dr. Maya Chen");

            // Register a patient from the patient list.
            var list = new PatientListPage(doctor);
            await list.GotoAsync();
            var register = await list.OpenRegisterDialogAsync();
            await register.FillAsync("Eve", family, "1984-03-09", "Female");
            await register.SubmitAsync("Register");
            await Expect(doctor).ToHaveURLAsync(PatientUrl());
            var record = new PatientPage(doctor);
            await Expect(record.Heading).ToHaveTextAsync($"Eve {family}");
            await Expect(record.Mrn).ToHaveTextAsync(ServerMrn());
            await doctor.CaptureAsync("01-patient-registered");

            // Record a visit.
            await record.RecordVisitAsync("Follow-up of blood pressure", "138", "88", "I10");
            await Expect(record.VisitRows.Filter(new() { HasText = "Follow-up of blood pressure" })).ToHaveCountAsync(1);
            await Expect(record.VisitRows.First).ToContainTextAsync("138/88");
            await Expect(record.VisitRows.First).ToContainTextAsync("I10");
            await doctor.CaptureAsync("02-visit-recorded");

            // Find the patient again by search, among the demo patients on both shards.
            await list.GotoAsync();
            await Expect(list.Rows).ToHaveCountAsync(25);
            await doctor.CaptureAsync("03-patient-list");
            await list.SearchAsync(family);
            await Expect(list.Rows).ToHaveCountAsync(1);
            await Expect(list.Row(family)).ToContainTextAsync("1984-03-09");
            await doctor.CaptureAsync("03-search");

            // From the keyboard: the family name is the row's link.
            await list.Row(family).GetByRole(AriaRole.Link, new() { Name = family }).FocusAsync();
            await doctor.Keyboard.PressAsync("Enter");
            await Expect(doctor).ToHaveURLAsync(PatientUrl());

            // A colleague opens the same record in another browser and starts editing too.
            var colleague = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
            await new LoginPage(colleague).SignInAsync("nurse@clinic.test");
            await colleague.GotoAsync(doctor.Url);
            var colleagueEdit = await new PatientPage(colleague).OpenEditDialogAsync();
            await colleagueEdit.SetPhoneAsync("555 010 2222");

            var doctorEdit = await record.OpenEditDialogAsync();
            await doctorEdit.SetPhoneAsync("555 010 1111");
            await doctorEdit.SubmitAsync("Save");
            await doctorEdit.Root.WaitForAsync(new() { State = WaitForSelectorState.Detached });
            await Expect(doctor.GetByText("555 010 1111")).ToBeVisibleAsync();

            // The colleague's save is based on the old version: refused with a clear message, nothing overwritten.
            await colleagueEdit.SubmitAsync("Save");
            await Expect(colleagueEdit.Conflict).ToContainTextAsync("changed by someone else");
            await colleague.CaptureAsync("04-conflict");
            await colleague.Context.CloseAsync();

            await doctor.ReloadAsync();
            await Expect(doctor.GetByText("555 010 1111")).ToBeVisibleAsync();

            // Sign out.
            await new AppBar(doctor).SignOutAsync();
            await Expect(new AppBar(doctor).SignIn).ToBeVisibleAsync();
        }
        catch
        {
            await doctor.CaptureAsync("failure-clinician-workflow");
            throw;
        }
        finally
        {
            await doctor.Context.CloseAsync();
        }
    }

    [GeneratedRegex(@"/patients/[0-9a-f-]{36}$")]
    private static partial Regex PatientUrl();

    [GeneratedRegex(@"^M[0-9]{10}$")]
    private static partial Regex ServerMrn();
}
