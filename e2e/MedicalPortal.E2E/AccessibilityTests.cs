using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E;

/// <summary>
/// Every page each role can reach, and the sign-in and account pages, scanned by axe-core in real Chromium, in the light
/// theme and in the dark one (a computer set to dark, the portal following it): no serious or critical violation anywhere.
/// </summary>
[Collection(PortalTests.Name)]
public sealed class AccessibilityTests(PortalFixture portal)
{
    private static readonly string[] Emails =
    [
        "admin@clinic.test", "doctor@clinic.test", "nurse@clinic.test", "reception@clinic.test",
        "researcher@clinic.test", "patient@clinic.test",
    ];

    public static TheoryData<string, ColorScheme> Roles
    {
        get
        {
            var data = new TheoryData<string, ColorScheme>();
            foreach (var email in Emails)
            {
                data.Add(email, ColorScheme.Light);
                data.Add(email, ColorScheme.Dark);
            }

            return data;
        }
    }

    public static TheoryData<ColorScheme> Schemes => new() { ColorScheme.Light, ColorScheme.Dark };

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task SignedOutPages_HaveNoSeriousViolation(ColorScheme scheme)
    {
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl, scheme);
        var violations = new List<string>();
        try
        {
            // A browser's first request cannot yet tell its colour scheme (ColorSchemes); the pages after it can.
            await page.GotoAsync("/");
            foreach (var path in new[]
                     {
                         "/", "/Account/Login", "/Account/Register", "/Account/ForgotPassword",
                         "/Account/ResendEmailConfirmation", "/Account/Lockout", "/not-found",
                     })
            {
                await page.GotoAsync(path);
                await ExpectSchemeAsync(page, scheme);
                violations.AddRange(await page.AccessibilityViolationsAsync(Screen($"signed-out-{Name(scheme)}", path)));
            }
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task EveryPageOfTheRole_HasNoSeriousViolation(string email, ColorScheme scheme)
    {
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl, scheme);
        var role = $"{email[..email.IndexOf('@', StringComparison.Ordinal)]}-{Name(scheme)}";
        var violations = new List<string>();
        try
        {
            await new LoginPage(page).SignInAsync(email);
            foreach (var path in await PagesOfAsync(page))
            {
                await page.GotoAsync(path);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                await Expect(page.Locator(".dashboard-card .mud-progress-linear")).ToHaveCountAsync(0);
                await ExpectSchemeAsync(page, scheme);
                violations.AddRange(await page.AccessibilityViolationsAsync(Screen(role, path)));
            }
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    // The menu's pages, the day's lists the home page leads to, the first patient and study, and the account pages.
    private static async Task<IReadOnlyList<string>> PagesOfAsync(IPage page)
    {
        await page.GotoAsync("/");
        var menu = page.Locator(".mud-navmenu a[href]");
        await Expect(menu.First).ToBeVisibleAsync();
        await Expect(page.Locator(".dashboard-card .mud-progress-linear")).ToHaveCountAsync(0);
        var paths = new List<string>();
        foreach (var link in await menu.AllAsync())
        {
            paths.Add(new Uri(new Uri(page.Url), await link.GetAttributeAsync("href")).AbsolutePath);
        }

        // The home page's figures lead to the day's lists.
        if (await page.Locator("a[href^='today']").CountAsync() > 0)
        {
            paths.Add("/today");
        }

        foreach (var (list, detail) in new[] { ("/patients", "a[href^='patients/']"), ("/studies", "a[href^='studies/']") })
        {
            if (paths.Contains(list))
            {
                await page.GotoAsync(list);
                var first = page.Locator(detail).First;
                await first.WaitForAsync();
                var href = new Uri(new Uri(page.Url), await first.GetAttributeAsync("href")).AbsolutePath;
                paths.Add(href);
                if (list == "/studies")
                {
                    paths.Add(href + "/exports");
                }
            }
        }

        paths.AddRange(["/Account/Manage", "/Account/Manage/Email", "/Account/Manage/ChangePassword", "/Account/Manage/TwoFactorAuthentication"]);
        return paths.Distinct().ToList();
    }

    /// <summary>The page is in the theme the computer asks for (the dark theme alone sets the root's colour scheme).</summary>
    private static Task ExpectSchemeAsync(IPage page, ColorScheme scheme) =>
        Expect(page.Locator("html")).ToHaveCSSAsync("color-scheme", scheme == ColorScheme.Dark ? "dark" : "normal");

    private static string Name(ColorScheme scheme) => scheme == ColorScheme.Dark ? "dark" : "light";

    private static string Screen(string role, string path) =>
        $"{role}{path.Replace('/', '-').TrimEnd('-')}";
}
