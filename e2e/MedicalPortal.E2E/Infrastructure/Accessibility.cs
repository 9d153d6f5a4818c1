using System.Text.Json;
using Microsoft.Playwright;

namespace MedicalPortal.E2E.Infrastructure;

/// <summary>
/// axe-core (the npm package of e2e/accessibility, which test.sh installs) injected into the page as the user sees it:
/// a serious or critical violation of WCAG 2.1 A/AA or of axe's best practices fails the test, and so does a page without its
/// main landmark or with its headings out of order.
/// </summary>
internal static class Accessibility
{
    private static readonly Lazy<string> Script = new(LoadScript);

    // axe rates these moderate, but every page must have them right: one main landmark, all content in landmarks, one
    // first-level heading and no skipped level.
    private static readonly string[] StructureRules =
        ["landmark-one-main", "region", "page-has-heading-one", "heading-order", "landmark-unique", "landmark-no-duplicate-main"];

    /// <summary>
    /// Scans the page and fails with each violation's rule and where it is (CSS selectors only:
    /// the elements' text may be a patient's, and it stays out of test output).
    /// </summary>
    public static async Task ExpectAccessibleAsync(this IPage page, string screen)
    {
        var violations = await page.AccessibilityViolationsAsync(screen);
        if (violations.Count > 0)
        {
            Assert.Fail($"axe-core finds serious or critical violations:\n{string.Join('\n', violations)}");
        }
    }

    /// <summary>Each serious or critical violation, and each of the page's structure, as one line (rule, impact, where), none when it passes.</summary>
    public static async Task<IReadOnlyList<string>> AccessibilityViolationsAsync(this IPage page, string screen)
    {
        // Evaluated over the DevTools protocol, which the page's Content-Security-Policy does not govern: the portal's
        // real policy stays in force for everything else.
        await page.EvaluateAsync(Script.Value);

        // What the user sees once it settles: a snackbar fading in or out is half transparent for a moment, and its
        // colours mid-fade are not the ones it is read in. Endless animations (a progress bar) are not waited for.
        await page.EvaluateAsync(
            """
            () => Promise.race([
              Promise.all(document.getAnimations()
                .filter(a => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
                .map(a => a.finished.catch(() => null))),
              new Promise(resolve => setTimeout(resolve, 3000)),
            ])
            """);
        var json = await page.EvaluateAsync<string>(
            """
            async structure => {
              // A contrast failure's colours and ratio (never the element's text).
              const contrast = n => {
                const d = n.any && n.any[0] && n.any[0].data;
                return d && d.contrastRatio ? ` (${d.fgColor} on ${d.bgColor}: ${d.contrastRatio}:1)` : '';
              };
              const results = await axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
                resultTypes: ['violations'],
              });
              return JSON.stringify(results.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical' || structure.includes(v.id))
                .map(v => ({
                  id: v.id, impact: v.impact, help: v.help,
                  targets: v.nodes.slice(0, 5).map(n => n.target.join(' ') + contrast(n)),
                })));
            }
            """, StructureRules);
        var violations = JsonSerializer.Deserialize<Violation[]>(json, JsonSerializerOptions.Web) ?? [];
        if (violations.Length > 0)
        {
            await page.CaptureAsync($"axe-{screen}");
        }

        return violations.Select(v => $"- {screen}: {v.Id} ({v.Impact}), {v.Help}, at {string.Join(" | ", v.Targets)}").ToList();
    }

    private static string LoadScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "e2e", "accessibility", "node_modules", "axe-core", "axe.min.js");
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
        }

        throw new InvalidOperationException(
            "axe-core is not installed: run 'npm ci' in e2e/accessibility (test.sh does it before the end-to-end tests).");
    }

    private sealed record Violation(string Id, string Impact, string Help, string[] Targets);
}
