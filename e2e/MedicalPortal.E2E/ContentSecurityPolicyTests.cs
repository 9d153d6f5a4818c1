using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E;

/// <summary>
/// The portal works under its own content security policy in real Chromium: each role's pages render, Blazor's
/// circuit runs (a dialog opens), and the browser reports no violation of the policy.
/// </summary>
[Collection(PortalTests.Name)]
public sealed class ContentSecurityPolicyTests(PortalFixture portal)
{
    public static TheoryData<string, string[]> Journeys() => new()
    {
        { "doctor@clinic.test", ["/", "/patients", "/studies", "/Account/Manage"] },
        { "admin@clinic.test", ["/", "/admin/roles", "/admin/accounts", "/admin/audit", "/admin/audit/integrity", "/admin/system"] },
        { "patient@clinic.test", ["/", "/my-record"] },
    };

    [Theory]
    [MemberData(nameof(Journeys))]
    public async Task EveryPage_WorksUnderThePolicy_WithNoViolationReported(string email, string[] paths)
    {
        var page = await portal.Chromium.NewPageAsync(portal.Server.BaseUrl);
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{page.Url}: {message.Text}");
            }
        };
        try
        {
            await page.GotoAsync("/Account/Login");
            await new LoginPage(page).SignInAsync(email);
            foreach (var path in paths)
            {
                var response = await page.GotoAsync(path);
                Assert.True(response?.Ok, $"{path} answered {response?.Status}");
                Assert.Contains("script-src 'self' 'nonce-", await response!.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            }

            if (email.StartsWith("doctor", StringComparison.Ordinal))
            {
                // The circuit runs: a patient opens and the visit dialog opens and closes.
                var list = new PatientListPage(page);
                await list.GotoAsync();
                await list.Rows.First.ClickAsync();
                await page.GetByRole(AriaRole.Button, new() { Name = "Record visit" }).ClickAsync();
                var dialog = page.GetByRole(AriaRole.Dialog);
                await Expect(dialog).ToBeVisibleAsync();
                await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
                await Expect(dialog).ToBeHiddenAsync();
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
        catch
        {
            await page.CaptureAsync($"csp-failure-{email.Split('@')[0]}");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
