using System.Text.RegularExpressions;
using MedicalPortal.E2E.Infrastructure;
using MedicalPortal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace MedicalPortal.E2E;

/// <summary>
/// An idle session signs out, and a working one does not, on a portal configured with a six-second idle timeout.
/// </summary>
public sealed partial class IdleSignOutTests : IAsyncLifetime
{
    private PortalServer Server { get; set; } = default!;

    private Chromium Browser { get; set; } = default!;

    public async Task InitializeAsync()
    {
        Server = new PortalServer(new Dictionary<string, string?> { ["Security:IdleTimeoutMinutes"] = "0.1" });
        Browser = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
    }

    [Fact]
    public async Task IdleTab_AfterTheConfiguredTimeout_IsSignedOutAndToldWhy()
    {
        var page = await Browser.NewPageAsync(Server.BaseUrl);
        try
        {
            await new LoginPage(page).SignInAsync("doctor@clinic.test");
            var list = new PatientListPage(page);
            await list.GotoAsync();

            // Nothing is touched: within the timeout plus one check interval the tab signs out.
            await Expect(page.GetByTestId("idle-signed-out")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(page).ToHaveURLAsync(LoginUrl());
            await page.CaptureAsync("14-idle-signed-out");

            // It is a real sign-out: the patient list asks for a sign-in again.
            await page.GotoAsync("/patients");
            await Expect(page).ToHaveURLAsync(LoginUrl());
        }
        catch
        {
            await page.CaptureAsync("failure-idle");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task WorkingTab_LongerThanTheTimeout_KeepsTheSessionAliveOnTheServer()
    {
        var page = await Browser.NewPageAsync(Server.BaseUrl);
        try
        {
            await new LoginPage(page).SignInAsync("doctor@clinic.test");
            var list = new PatientListPage(page);
            await list.GotoAsync();

            // Typing in the search box for two and a half timeouts: the circuit's messages are not HTTP requests, so only
            // the tab's keep-alive calls stop the server from ending the session as idle.
            var search = page.GetByPlaceholder("Search by name, MRN or birth date");
            await search.ClickAsync();
            var until = DateTimeOffset.UtcNow.AddSeconds(15);
            while (DateTimeOffset.UtcNow < until)
            {
                await page.Keyboard.TypeAsync("a");
                await page.Keyboard.PressAsync("Backspace");
                await Task.Delay(1_000);
            }

            // A full page load, as a download link or a reload makes: still signed in.
            await page.GotoAsync("/patients");
            await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { Name = "Patients", Level = 1 })).ToBeVisibleAsync();
            Assert.DoesNotMatch(LoginUrl(), page.Url);
        }
        catch
        {
            await page.CaptureAsync("failure-keep-alive");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [GeneratedRegex("/Account/Login")]
    private static partial Regex LoginUrl();
}
