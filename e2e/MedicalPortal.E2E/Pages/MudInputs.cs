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
        await page.Locator(".mud-popover-open").GetByText(option, new() { Exact = true }).ClickAsync();
    }
}
