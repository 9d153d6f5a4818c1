using Microsoft.Playwright;

namespace MedicalPortal.E2E.Infrastructure;

internal static class Screens
{
    /// <summary>Keeps a screenshot of what the user saw, for a human to look at after the run.</summary>
    public static async Task CaptureAsync(this IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(PortalFixture.ArtifactsDirectory, $"{name}.png"),
            FullPage = true,
        });
}
