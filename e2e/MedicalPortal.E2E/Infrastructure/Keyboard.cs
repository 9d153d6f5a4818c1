using Microsoft.Playwright;

namespace MedicalPortal.E2E.Infrastructure;

/// <summary>Moving through a page as a keyboard user does: Tab until the control is reached, and see where focus is.</summary>
internal static class Keyboard
{
    /// <summary>
    /// Presses Tab until <paramref name="target"/> has the focus (failing after <paramref name="limit"/> presses), then
    /// checks that the focus can be seen: the screen around the control differs between focused and not.
    /// </summary>
    public static async Task TabToAsync(this IPage page, ILocator target, int limit = 60)
    {
        for (var presses = 0; presses < limit; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement || element.contains(document.activeElement)"))
            {
                await ExpectVisibleFocusAsync(page, target);
                return;
            }
        }

        Assert.Fail($"Tab did not reach {target} within {limit} presses.");
    }

    // The control's surroundings (a text field's outline is drawn by its wrapper) as pixels, with the focus and
    // without it; the focus goes back afterwards. Only the screen region is compared, nothing of it is kept.
    private static async Task ExpectVisibleFocusAsync(IPage page, ILocator target)
    {
        var box = await target.BoundingBoxAsync() ?? throw new InvalidOperationException($"{target} has no box on screen.");
        var clip = new Clip { X = Math.Max(0, box.X - 8), Y = Math.Max(0, box.Y - 8), Width = box.Width + 16, Height = box.Height + 16 };
        var focused = await page.ScreenshotAsync(new() { Clip = clip, Animations = ScreenshotAnimations.Disabled });
        var element = await page.EvaluateHandleAsync("() => document.activeElement");
        await element.EvaluateAsync("element => element.blur()");
        var blurred = await page.ScreenshotAsync(new() { Clip = clip, Animations = ScreenshotAnimations.Disabled });

        // Back where it was, as a keyboard user left it (focus() from script keeps :focus-visible after keyboard use).
        await element.EvaluateAsync("element => element.focus()");
        Assert.False(focused.AsSpan().SequenceEqual(blurred), $"{target} shows no visible focus.");
    }
}
