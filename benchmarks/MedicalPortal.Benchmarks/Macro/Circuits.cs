using Microsoft.Playwright;

namespace MedicalPortal.Benchmarks.Macro;

/// <summary>
/// Server memory per open Blazor circuit: Chromium pages signed in as a doctor, each on the patient list, and the
/// portal's memory before and after opening them. Two figures: resident memory, which also holds garbage not yet
/// collected (it moved from 1,021 to 2,486 KB between two runs of one build), and the managed heap after a full
/// collection (<c>dotnet-gcdump</c>, a tool of the repository's manifest), which is what the circuits keep.
/// </summary>
internal static class Circuits
{
    public static async Task<CircuitMemory> MeasureAsync(string baseUrl, int processId, int pages)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

        // One page first, so that what every circuit shares (compiled components, caches) is already in memory.
        await OpenPatientListAsync(browser, baseUrl);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = ProcStatus.Read(processId, "VmRSS");
        var heapBefore = await HeapBytesAsync(processId);
        for (var i = 0; i < pages; i++)
        {
            await OpenPatientListAsync(browser, baseUrl);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = ProcStatus.Read(processId, "VmRSS");
        var heapAfter = await HeapBytesAsync(processId);
        return new CircuitMemory((after - before) / (double)pages, before, after, (heapAfter - heapBefore) / (double)pages);
    }

    /// <summary>The process's managed heap after a full collection, from a heap dump (the dump collects first).</summary>
    private static async Task<long> HeapBytesAsync(int processId)
    {
        var dump = Path.Combine(Path.GetTempPath(), $"medicalportal-circuits-{Guid.NewGuid():N}.gcdump");
        try
        {
            await RunToolAsync("collect", "-p", processId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", dump);
            var report = await RunToolAsync("report", dump);

            // The report's first line: "     39,156,980  GC Heap bytes".
            var first = report.Split('\n').First(line => line.Contains("GC Heap bytes", StringComparison.Ordinal));
            return long.Parse(first.Trim().Split(' ')[0], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(dump);
        }
    }

    private static async Task<string> RunToolAsync(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["tool", "run", "dotnet-gcdump", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("dotnet-gcdump did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"dotnet-gcdump {arguments[0]} failed ({process.ExitCode}): {await errors}{await output}");
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

/// <summary>Per open circuit: resident memory, and the managed heap after a full collection.</summary>
internal sealed record CircuitMemory(double ResidentBytesPerCircuit, long ResidentBefore, long ResidentAfter, double HeapBytesPerCircuit);
