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
        await scope.GetByLabel(label, new() { Exact = true }).ClickAsync(new() { Force = true });
        var list = page.Locator(".mud-popover-open");
        await list.GetByText(option, new() { Exact = true }).ClickAsync();
        await list.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }
}
