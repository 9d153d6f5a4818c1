// Tells the server the browser's own light or dark setting, for the pages rendered before a circuit runs, in browsers
// that do not send the Sec-CH-Prefers-Color-Scheme client hint (ColorSchemes.SystemCookieName). It names a setting,
// nothing about the person, and only matters while they keep "match my system".
(() => {
    const dark = window.matchMedia("(prefers-color-scheme: dark)");
    const report = () => {
        const secure = window.location.protocol === "https:" ? "; secure" : "";
        document.cookie = `MedicalPortal.SystemColorScheme=${dark.matches ? "dark" : "light"}; path=/; max-age=31536000; samesite=lax${secure}`;
    };
    report();
    dark.addEventListener("change", report);
})();
