using Microsoft.Playwright;

namespace MedicalPortal.E2E.Pages;

/// <summary>How a user operates MudBlazor inputs: type and leave the field, pick from a drop-down list.</summary>
internal static class MudInputs
{
    public static async Task TypeAsync(this ILocator scope, string label, string value)
    {
        await DialogSettledAsync(scope);
        var input = scope.GetByLabel(label, new() { Exact = true });
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    public static async Task SelectAsync(this ILocator scope, IPage page, string label, string option)
    {
        // A click that lands while a dialog is still opening can be lost; the list is asked for again until it opens.
        await DialogSettledAsync(scope);
        var list = page.Locator(".mud-popover-open");
        for (var attempt = 1; ; attempt++)
        {
            await scope.GetByLabel(label, new() { Exact = true }).ClickAsync(new() { Force = true });
            try
            {
                await list.GetByText(option, new() { Exact = true }).WaitForAsync(new() { Timeout = 5_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }

        await list.GetByText(option, new() { Exact = true }).ClickAsync();
        await list.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    /// <summary>
    /// Waits, if <paramref name="scope"/> is or is in a dialog, until the dialog has taken the focus (MudBlazor moves it to
    /// the dialog's first field once the dialog is shown, a moment later on a busy machine): typing before that could
    /// have its keys land in the first field instead. Gives up after five seconds, as a dialog without a field would.
    /// </summary>
    private static async Task DialogSettledAsync(ILocator scope) =>
        await scope.EvaluateAsync("""
            element => new Promise(resolve => {
              const dialog = element.closest('[role=dialog]') ?? element.querySelector('[role=dialog]');
              const started = Date.now();
              const check = () => !dialog || dialog.contains(document.activeElement) || Date.now() - started > 5000
                ? resolve()
                : setTimeout(check, 25);
              check();
            })
            """);
}
