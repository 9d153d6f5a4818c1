using MudBlazor;

namespace MedicalPortal.Web.Components.Layout;

/// <summary>A calm, high-contrast clinical palette; system fonts, so nothing is fetched from the internet.</summary>
internal static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0b5c7a",
            Secondary = "#2e7d6b",
            AppbarBackground = "#0b5c7a",
            Background = "#f5f7f9",
            DrawerBackground = "#ffffff",
            Error = "#b3261e",
            Info = "#1565c0",

            // MudBlazor's 60% black falls just under 4.5:1 on a selected list item's tint.
            TextSecondary = "#5f6368",
            Success = "#2e7d32",
            Warning = "#a15c00",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };
}
