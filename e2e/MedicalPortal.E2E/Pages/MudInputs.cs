using Microsoft.Playwright;

namespace MedicalPortal.E2E.Pages;

/// <summary>How a user operates MudBlazor inputs: type and leave the field, pick from a drop-down list.</summary>
internal static class MudInputs
{
    public static async Task TypeAsync(this ILocator scope, string label, string value)
    {
        var input = scope.GetByLabel(label, new() { Exact = true });
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    public static async Task SelectAsync(this ILocator scope, IPage page, string label, string option)
    {
        // A click that lands while a dialog is still opening can be lost; the list is asked for again until it opens.
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
}
