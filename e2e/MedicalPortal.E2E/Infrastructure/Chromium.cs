using Microsoft.Playwright;

namespace MedicalPortal.E2E.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download). CHROMIUM_PATH overrides the executable; E2E_HEADED=1
/// shows the window when a display exists.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        Playwright = playwright;
        Browser = browser;
    }

    public IPlaywright Playwright { get; }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        // Assertions retry for as long as actions wait: slow shared machines fail late, not falsely.
        Assertions.SetDefaultExpectTimeout(30_000);

        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = Environment.GetEnvironmentVariable("E2E_HEADED") != "1",
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
        return new Chromium(playwright, browser);
    }

    /// <summary>
    /// A fresh browser profile (its own cookies): one user at one desk, whose computer is set to
    /// <paramref name="colorScheme"/> (light unless said).
    /// </summary>
    public async Task<IPage> NewPageAsync(string baseUrl, ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
            ColorScheme = colorScheme,
        });
        // Generous: CI machines are shared and slow; a real failure still fails, only later.
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}
