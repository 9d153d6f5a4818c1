using System.Text.RegularExpressions;
using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E.Journeys;

/// <summary>A researcher's study from draft to closed, in real Chromium; axe-core checks each screen.</summary>
[Collection(PortalTests.Name)]
public sealed partial class ResearcherJourneyTests(PortalFixture portal)
{
    [Fact]
    public async Task Researcher_CreatesEditsAndClosesAStudy()
    {
        var title = "Hydration and headaches " + string.Concat(Guid.NewGuid().ToString("N").Take(6));
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new LoginPage(page).SignInAsync("researcher@clinic.test");
            await page.GotoAsync("/studies");
            var create = page.GetByRole(AriaRole.Button, new() { Name = "New study" });
            await Expect(create).ToBeEnabledAsync();
            await page.ExpectAccessibleAsync("researcher-studies");

            // Created as a draft.
            await create.ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true })).ToBeEnabledAsync();
            await dialog.SelectAsync(page, "Status", "Draft");
            await dialog.TypeAsync("Title", title);
            await dialog.TypeAsync("Description", "Whether drinking more water lowers how often adults have headaches.");
            await dialog.TypeAsync("Principal investigator", "Dr. Noah Kim");
            await dialog.TypeAsync("Start date", "2027-01-04");
            await page.ExpectAccessibleAsync("researcher-new-study");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
            await Expect(page).ToHaveURLAsync(StudyUrl());
            await Expect(page.GetByTestId("study-title")).ToHaveTextAsync(title);
            await Expect(page.GetByTestId("study-status")).ToHaveTextAsync("Draft");
            await page.ExpectAccessibleAsync("researcher-study");

            // Edited: recruiting from now on, under a clearer title.
            await page.GetByRole(AriaRole.Button, new() { Name = "Edit study" }).ClickAsync();
            await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true })).ToBeEnabledAsync();
            await dialog.SelectAsync(page, "Status", "Recruiting");
            await dialog.TypeAsync("Title", title + " in adults");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
            await Expect(page.GetByTestId("study-title")).ToHaveTextAsync(title + " in adults");
            await Expect(page.GetByTestId("study-status")).ToHaveTextAsync("Recruiting");

            // Closed, after a confirmation that says what closing means.
            await page.GetByRole(AriaRole.Button, new() { Name = "Close study" }).ClickAsync();
            var confirmation = page.GetByRole(AriaRole.Dialog);
            await Expect(confirmation).ToContainTextAsync("It takes no new consents afterwards");
            await page.ExpectAccessibleAsync("researcher-close-study");
            await confirmation.GetByRole(AriaRole.Button, new() { Name = "Close study" }).ClickAsync();
            await Expect(page.GetByTestId("study-status")).ToHaveTextAsync("Closed");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Close study" })).ToHaveCountAsync(0);

            // And the list says so.
            await page.GotoAsync("/studies");
            await Expect(page.Locator("tr").Filter(new() { HasText = title + " in adults" })).ToContainTextAsync("Closed");
            await page.CaptureAsync("31-researcher-journey");
        }
        catch
        {
            await page.CaptureAsync("failure-researcher-journey");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [GeneratedRegex("/studies/[0-9a-f-]{36}$")]
    private static partial Regex StudyUrl();
}
