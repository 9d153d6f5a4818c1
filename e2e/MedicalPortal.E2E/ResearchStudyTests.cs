using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CsvHelper;
using MedicalPortal.Core.Export;
using MedicalPortal.Data.Seeding;
using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E;

/// <summary>Studies, consent and the anonymized export as researchers, clinicians and patients meet them.</summary>
[Collection(PortalTests.Name)]
public sealed class ResearchStudyTests(PortalFixture portal)
{
    private const string DemoStudy = "Blood pressure in primary care";
    private const string RecruitingStudy = "Sleep and recovery after minor surgery";

    [Fact]
    public async Task Researcher_DownloadsTheCsvFromTheStudyPage_ItParsesWithTheContractHeader()
    {
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new LoginPage(page).SignInAsync("researcher@clinic.test");
            await page.GotoAsync("/studies");

            // "New study" is enabled once the page is interactive: a click before that can be lost.
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "New study" })).ToBeEnabledAsync();
            await page.CaptureAsync("39-studies");
            await page.GetByRole(AriaRole.Link, new() { Name = DemoStudy }).ClickAsync();
            await Expect(page.GetByTestId("study-title")).ToHaveTextAsync(DemoStudy);
            await Expect(page.GetByTestId("export-preview")).ToContainTextAsync("have given consent");

            // A researcher has no right to see who consented: no participants list, no patient links.
            await Expect(page.GetByTestId("participants")).ToHaveCountAsync(0);
            await page.CaptureAsync("40-study-researcher");

            // While the server prepares the file (held here until the page has been looked at), the page says so.
            var released = new TaskCompletionSource();
            await page.RouteAsync("**/downloads/studies/**", async route =>
            {
                await released.Task;
                await route.ContinueAsync();
            });
            var button = page.GetByTestId("download-export");
            var status = page.Locator(".download-button").Filter(new() { Has = button }).GetByRole(AriaRole.Status);
            var downloading = page.RunAndWaitForDownloadAsync(() => button.ClickAsync());
            await Expect(status).ToHaveTextAsync("Preparing the file…");
            await Expect(button).ToHaveAttributeAsync("aria-busy", "true");
            released.SetResult();
            var download = await downloading;
            Assert.Matches("^study-[0-9a-f-]{36}-[0-9]{8}T[0-9]{6}Z\\.csv$", download.SuggestedFilename);
            await Expect(status).ToHaveTextAsync(new Regex($"^Downloaded {Regex.Escape(download.SuggestedFilename)} \\([0-9.]+ [KM]B\\)\\.$"));
            await Expect(button).Not.ToHaveAttributeAsync("aria-busy", "true");
            await page.UnrouteAllAsync();
            var rows = Parse(await download.PathAsync());

            Assert.Equal(ResearchCsv.Header, rows[0]);
            Assert.True(rows.Count > 1, "The demo study's export has no rows.");
            Assert.All(rows.Skip(1), row =>
            {
                Assert.Equal(ResearchCsv.Header.Count, row.Length);
                Assert.Matches("^[0-9a-f]{32}$", row[0]);
            });
        }
        catch
        {
            await page.CaptureAsync("failure-researcher-export");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Researcher_ScheduledExtractionRan_HistoryListsItAndItsFileMatchesTheShownSha256()
    {
        // The scheduler's pass, as the cron would run it on some node.
        await portal.Server.Services.GetRequiredService<IExtractionRunner>().RunAllAsync(CancellationToken.None);
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new LoginPage(page).SignInAsync("researcher@clinic.test");
            await page.GotoAsync("/studies");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "New study" })).ToBeEnabledAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = DemoStudy }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Scheduled extractions" }).ClickAsync();

            var run = page.GetByTestId("extractions").Locator("tbody tr").First;
            await Expect(run).ToContainTextAsync("Complete");
            await page.CaptureAsync("43-extraction-history");
            var shownSha256 = await run.Locator("code").InnerTextAsync();

            var download = await page.RunAndWaitForDownloadAsync(() => run.GetByRole(AriaRole.Link, new() { Name = "Download" }).ClickAsync());
            await using var file = File.OpenRead(await download.PathAsync());
            Assert.Equal(shownSha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(file)));
        }
        catch
        {
            await page.CaptureAsync("failure-extraction-history");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Patient_ConsentsInMyRecordAndWithdraws_TheRecordShowsEachStep()
    {
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new LoginPage(page).SignInAsync("patient@clinic.test");
            await page.GotoAsync("/my-record");
            var studies = page.GetByTestId("my-studies");
            var recruiting = studies.GetByTestId("my-study").Filter(new() { HasText = RecruitingStudy });
            await Expect(studies.GetByTestId("my-study").Filter(new() { HasText = DemoStudy })).ToContainTextAsync("Consent given");
            await Expect(recruiting).ToContainTextAsync("Not taking part");

            await recruiting.GetByRole(AriaRole.Button, new() { Name = "I consent" }).ClickAsync();
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "I consent" }).ClickAsync();
            await Expect(recruiting).ToContainTextAsync("Consent given");
            await page.CaptureAsync("41-my-record-consented");

            await recruiting.GetByRole(AriaRole.Button, new() { Name = "Withdraw my consent" }).ClickAsync();
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Withdraw" }).ClickAsync();
            await Expect(recruiting).ToContainTextAsync("Not taking part");
            await Expect(recruiting.GetByRole(AriaRole.Button, new() { Name = "I consent" })).ToBeVisibleAsync();
        }
        catch
        {
            await page.CaptureAsync("failure-patient-consent");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Doctor_RecordsConsentOnThePatientsRecord_ItIsListedAsConsenting()
    {
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new LoginPage(page).SignInAsync("doctor@clinic.test");
            var list = new PatientListPage(page);
            await list.GotoAsync();
            await list.SearchAsync("D000004");
            await list.Row("D000004").ClickAsync();
            var studies = page.GetByTestId("patient-studies");
            await Expect(studies).ToContainTextAsync("Not taking part in any study.");

            await studies.GetByRole(AriaRole.Button, new() { Name = "Record consent" }).ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await dialog.GetByLabel("Study").ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = RecruitingStudy }).ClickAsync();

            // The select's list closes with an animation; a click meanwhile can land on the closing overlay.
            await Expect(page.GetByRole(AriaRole.Listbox)).ToBeHiddenAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Record consent", Exact = true }).ClickAsync();
            await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });

            var row = studies.Locator("tr").Filter(new() { HasText = RecruitingStudy });
            await Expect(row).ToContainTextAsync("Consenting");
            await page.CaptureAsync("42-patient-consent-recorded");

            // Withdrawing is the patient's (or an admin's) act: the Doctor role has no Delete on Enrollment.
            await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Withdraw consent" })).ToHaveCountAsync(0);

            // Nor may a doctor export: the download link, typed in with the doctor's own session, is refused.
            var refused = await page.APIRequest.GetAsync($"/downloads/studies/{DemoData.DemoStudyId:D}/export.csv", new() { MaxRedirects = 0 });
            Assert.Equal(302, refused.Status);
            Assert.Contains("/Account/AccessDenied", refused.Headers["location"], StringComparison.Ordinal);
        }
        catch
        {
            await page.CaptureAsync("failure-doctor-consent");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static List<string[]> Parse(string path)
    {
        using var csv = CsvReader.Create(File.OpenRead(path), CsvReaderOptions.Default with { HasHeader = false }, leaveOpen: false);
        var rows = new List<string[]>();
        while (csv.Read())
        {
            rows.Add([.. Enumerable.Range(0, csv.FieldCount).Select(csv.GetString)]);
        }

        return rows;
    }
}
