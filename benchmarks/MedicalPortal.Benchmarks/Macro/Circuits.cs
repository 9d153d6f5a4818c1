using Microsoft.Playwright;

namespace MedicalPortal.Benchmarks.Macro;

/// <summary>
/// Server memory per open Blazor circuit: Chromium pages signed in as a doctor, each on the patient list, and the
/// portal's resident memory before and after opening them.
/// </summary>
internal static class Circuits
{
    public static async Task<(double BytesPerCircuit, long Before, long After)> MeasureAsync(PortalProcess portal, int pages)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

        // One page first, so that what every circuit shares (compiled components, caches) is already in memory.
        await OpenPatientListAsync(browser, portal.BaseUrl);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = portal.ResidentBytes();
        for (var i = 0; i < pages; i++)
        {
            await OpenPatientListAsync(browser, portal.BaseUrl);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = portal.ResidentBytes();
        return ((after - before) / (double)pages, before, after);
    }

    /// <summary>
    /// Opens <paramref name="pages"/> circuits on a running portal and keeps them open for <paramref name="hold"/>: for
    /// looking at what a circuit holds (dotnet-gcdump, dotnet-counters) while they are there.
    /// </summary>
    public static async Task HoldAsync(string baseUrl, int pages, TimeSpan hold)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        for (var i = 0; i < pages; i++)
        {
            await OpenPatientListAsync(browser, baseUrl);
        }

        Console.WriteLine($"{pages} circuits open on {baseUrl}; holding them for {hold.TotalSeconds:N0} s.");
        await Task.Delay(hold);
    }

    private static async Task OpenPatientListAsync(IBrowser browser, string baseUrl)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync("doctor@clinic.test");
        await page.GetByLabel("Password").FillAsync(Data.Seeding.DemoAccounts.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.GetByTestId("signed-in-as").WaitForAsync();
        await page.GotoAsync("/patients");

        // The search box is enabled once the circuit is interactive and the list's first load has started.
        await Assertions.Expect(page.GetByPlaceholder("Search by name, MRN or birth date")).ToBeEnabledAsync();
        await page.Locator("tbody tr").First.WaitForAsync();
    }
}
