namespace MedicalPortal.Web.Hosting;

/// <summary>
/// Which environment the portal runs in when nobody said. The operator's word wins: <c>ASPNETCORE_ENVIRONMENT</c>,
/// <c>DOTNET_ENVIRONMENT</c> or <c>--environment</c>. Only when none is given does the launch profile's suggestion
/// count (<c>MEDICALPORTAL_LAUNCH_ENVIRONMENT</c>, which <c>dotnet run</c> sets to Development from
/// Properties/launchSettings.json, so that a developer's <c>dotnet run</c> gets the demo data); with no suggestion
/// either, ASP.NET Core's default, Production. A launch profile that set <c>ASPNETCORE_ENVIRONMENT</c> itself would
/// override the operator's variable, and <c>ASPNETCORE_ENVIRONMENT=Production dotnet run</c> against production
/// databases would seed demo accounts whose password is in the README.
/// </summary>
public static class LaunchEnvironment
{
    /// <summary>The variable the launch profile sets: a default, never an override.</summary>
    public const string Variable = "MEDICALPORTAL_LAUNCH_ENVIRONMENT";

    /// <summary>The environment to run in when the operator named none, else null (the host reads the operator's).</summary>
    public static string? Default(IReadOnlyList<string> hostArguments)
    {
        ArgumentNullException.ThrowIfNull(hostArguments);
        var named = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"))
            || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"))
            || hostArguments.Any(a => a.StartsWith("--environment", StringComparison.OrdinalIgnoreCase)
                || a.StartsWith("/environment", StringComparison.OrdinalIgnoreCase));
        var suggested = Environment.GetEnvironmentVariable(Variable);
        return named || string.IsNullOrWhiteSpace(suggested) ? null : suggested.Trim();
    }
}
