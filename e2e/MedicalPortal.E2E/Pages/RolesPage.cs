using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace MedicalPortal.E2E.Pages;

/// <summary>/admin/roles: the permission matrix, one role at a time.</summary>
public sealed class RolesPage(IPage page)
{
    public async Task GotoAsync()
    {
        await page.GotoAsync("/admin/roles");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Roles and permissions", Level = 1 }).WaitForAsync();

        // A click on the prerendered list would be lost: wait until the page is interactive.
        await Assertions.Expect(page.GetByLabel("New role")).ToBeEnabledAsync();
    }

    public async Task SelectAsync(string role)
    {
        // The whole option (name, then "n accounts"): its inner text re-renders as the pointer moves over it.
        await page.GetByTestId("role-list").GetByRole(AriaRole.Option)
            .Filter(new() { HasTextRegex = new Regex($@"^\s*{Regex.Escape(role)}\s*\d") })
            .ClickAsync();
        await Assertions.Expect(page.GetByTestId("selected-role")).ToHaveTextAsync(role);
    }

    public ILocator Permission(string role, string operation, string resource) =>
        page.GetByLabel($"{role} may {operation} {resource}", new() { Exact = true });

    /// <summary>Sets one cell and waits until the portal has saved it.</summary>
    public async Task SetAsync(string role, string operation, string resource, bool granted)
    {
        var box = Permission(role, operation, resource);
        await box.SetCheckedAsync(granted, new() { Force = true });
        await Assertions.Expect(page.GetByText($"{role}: {resource} saved.")).ToBeVisibleAsync();
        if (granted)
        {
            await Assertions.Expect(box).ToBeCheckedAsync();
        }
        else
        {
            await Assertions.Expect(box).Not.ToBeCheckedAsync();
        }
    }
}
