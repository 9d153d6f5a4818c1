using MudBlazor;

namespace MedicalPortal.Web.Components.Layout;

/// <summary>
/// A calm, high-contrast clinical palette, light and dark (decision 0037: every text at least 4.5:1 on what it sits on,
/// checked by axe-core in both); system fonts, so nothing is fetched from the internet.
/// </summary>
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
        // Light tints of the same hues on a near-black ground; filled buttons and chips carry dark text, since white on
        // a light tint would not reach 4.5:1.
        PaletteDark = new PaletteDark
        {
            Primary = "#7cc4e0",
            PrimaryContrastText = "#08232e",
            Secondary = "#7fd1bc",
            SecondaryContrastText = "#0a2620",
            Tertiary = "#c5b3f0",
            TertiaryContrastText = "#1f1533",
            Info = "#8ab4f8",
            InfoContrastText = "#0b1b33",
            Success = "#81c995",
            SuccessContrastText = "#0c2614",
            Warning = "#f6c26b",
            WarningContrastText = "#2e1d00",
            Error = "#f28b82",
            ErrorContrastText = "#330b07",
            Dark = "#2f343a",
            AppbarBackground = "#15313d",
            AppbarText = "#f1f3f4",
            Background = "#121417",
            BackgroundGray = "#1a1d21",
            Surface = "#1e2227",
            DrawerBackground = "#1a1d21",
            DrawerText = "#e8eaed",
            DrawerIcon = "#c4c8cc",
            TextPrimary = "#e8eaed",
            TextSecondary = "#b4bac1",
            TextDisabled = "rgba(232,234,237,0.5)",
            ActionDefault = "#c4c8cc",
            ActionDisabled = "rgba(232,234,237,0.38)",
            ActionDisabledBackground = "rgba(232,234,237,0.12)",
            LinesDefault = "rgba(232,234,237,0.14)",
            LinesInputs = "#8d949b",
            TableLines = "rgba(232,234,237,0.14)",
            Divider = "rgba(232,234,237,0.14)",
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
