using System.ComponentModel.DataAnnotations;

namespace MedicalPortal.Web.Hosting;

/// <summary><c>Security</c> configuration: how long an idle session and an API access token last.</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>An idle browser session signs out after this many minutes (fractions allowed, e.g. 0.5).</summary>
    [Range(0.05, 24 * 60)]
    public double IdleTimeoutMinutes { get; set; } = 15;

    /// <summary>Bearer access tokens from <c>POST /api/v1/auth/login</c> expire after this many minutes.</summary>
    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 60;
}
