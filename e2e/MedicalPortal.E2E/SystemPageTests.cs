using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E;

/// <summary>The System page as an administrator finds it, in real Chromium.</summary>
[Collection(PortalTests.Name)]
public sealed class SystemPageTests(PortalFixture portal)
{
    [Fact]
    public async Task Admin_FindsSystemInTheMenu_SeesPatientsPerShardAndTheCache()
    {
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        try
        {
            await new LoginPage(page).SignInAsync("admin@clinic.test");
            // The menu offers the page; it is opened by address, since a click in the instant the page becomes
            // interactive can be lost to Blazor taking over navigation (seen under load).
            var link = page.GetByRole(AriaRole.Link, new() { Name = "System" });
            await Expect(link).ToHaveAttributeAsync("href", "admin/system");
            await page.GotoAsync("/admin/system");

            var shards = page.GetByTestId("system-shards");
            await Expect(shards.Locator("tbody tr")).ToHaveCountAsync(2);
            await Expect(shards.GetByText("Answers")).ToHaveCountAsync(2);
            var total = int.Parse(
                (await shards.Locator("tfoot th").Nth(1).InnerTextAsync()).Replace(",", "", StringComparison.Ordinal),
                System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(total >= 300, $"The demo patients are on the shards: {total} shown.");
            await Expect(page.GetByTestId("cache-state")).ToContainTextAsync("Working");
            await page.CaptureAsync("50-system");
        }
        catch
        {
            await page.CaptureAsync("failure-system");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
