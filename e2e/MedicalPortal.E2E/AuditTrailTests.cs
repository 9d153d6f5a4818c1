using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E;

/// <summary>The audit trail as an administrator reads it, in real Chromium.</summary>
[Collection(PortalTests.Name)]
public sealed class AuditTrailTests(PortalFixture portal)
{
    [Fact]
    public async Task EditedPatient_AuditPageShowsOldAndNewValues_AndThePatientPageWhoViewedIt()
    {
        var doctor = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        var admin = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            // A doctor looks at a demo patient.
            await new LoginPage(doctor).SignInAsync("doctor@clinic.test");
            var doctorList = new PatientListPage(doctor);
            await doctorList.GotoAsync();
            await doctorList.SearchAsync("D000007");
            await doctorList.Row("D000007").ClickAsync();
            await Expect(new PatientPage(doctor).Mrn).ToHaveTextAsync("D000007");

            // The admin corrects the same patient's phone.
            await new LoginPage(admin).SignInAsync("admin@clinic.test");
            var list = new PatientListPage(admin);
            await list.GotoAsync();
            await list.SearchAsync("D000007");
            await list.Row("D000007").ClickAsync();
            var record = new PatientPage(admin);
            var before = await admin.GetByTestId("contact-phone").InnerTextAsync();
            var edit = await record.OpenEditDialogAsync();
            await edit.SetPhoneAsync("555 010 7777");
            await edit.SubmitAsync("Save");
            await edit.Root.WaitForAsync(new() { State = WaitForSelectorState.Detached });

            // Who viewed this record: the doctor, and the admin, each once however many pages they opened (other tests'
            // searches may list this patient too, and add their readers).
            await admin.ReloadAsync();
            var viewedBy = admin.GetByTestId("viewed-by");
            var rows = viewedBy.Locator("tbody tr");
            await Expect(rows.Filter(new() { HasText = "doctor@clinic.test" })).ToHaveCountAsync(1);
            await Expect(rows.Filter(new() { HasText = "admin@clinic.test" })).ToHaveCountAsync(1);
            await admin.CaptureAsync("20-viewed-by");

            // The record's history shows the change, with the old and the new value.
            await admin.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
            var update = admin.GetByTestId("audit-entries").Locator("tr").Filter(new() { HasText = "Phone" });
            await Expect(update.First).ToContainTextAsync("admin@clinic.test");
            var change = update.First.GetByTestId("audit-changes").Locator("tbody tr").Filter(new() { HasText = "Phone" });
            await Expect(change.Locator("td")).ToHaveTextAsync([before, "555 010 7777"]);
            await Expect(update.First.GetByTestId("audit-patients")).ToContainTextAsync("D000007");
            await admin.ExpectAccessibleAsync("admin-audit-history");
            await admin.CaptureAsync("21-audit-history");

            // The same history as a file: each change with the patient by MRN; downloading it is itself in the trail.
            var download = await admin.RunAndWaitForDownloadAsync(() => admin.GetByTestId("audit-download").ClickAsync());
            Assert.Matches("^audit-trail-[0-9]{8}T[0-9]{6}Z\\.csv$", download.SuggestedFilename);
            var lines = await File.ReadAllLinesAsync(await download.PathAsync());
            Assert.Equal(string.Join(',', AuditCsv.Header), lines[0]);
            Assert.Contains(lines, line => line.Contains($"Phone: {before} -> 555 010 7777", StringComparison.Ordinal)
                && line.Contains("D000007", StringComparison.Ordinal));
            var patientId = admin.Url[(admin.Url.IndexOf("patientId=", StringComparison.Ordinal) + "patientId=".Length)..];
            var reads = await portal.Server.Services.GetRequiredService<IAuditStore>().QueryAsync(
                new AuditQuery { Resource = Resource.AuditLog, Action = AuditAction.Read, Actor = "admin@clinic.test", Limit = 50 }, CancellationToken.None);
            Assert.True(
                reads.Items.Count(e => e.Changes.Any(c => c.Property == "patientId" && c.New == patientId)) >= 2,
                "The page read and the file's read of this patient's history are both in the trail.");

            // And every chain verifies.
            await admin.GotoAsync("/admin/audit/integrity");
            await admin.GetByRole(AriaRole.Button, new() { Name = "Check all chains now" }).ClickAsync();
            var results = admin.GetByTestId("integrity-results");
            await Expect(results.Locator("tbody tr")).ToHaveCountAsync(3);
            await Expect(results.GetByText("Intact")).ToHaveCountAsync(3);
            await admin.CaptureAsync("22-audit-integrity");
        }
        catch
        {
            await admin.CaptureAsync("failure-audit-admin");
            await doctor.CaptureAsync("failure-audit-doctor");
            throw;
        }
        finally
        {
            await doctor.Context.CloseAsync();
            await admin.Context.CloseAsync();
        }
    }
}
