using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Web.Hosting;

/// <summary>
/// <c>Security</c> configuration: how long an idle session, a session at all and an API access token last, and which
/// roles must sign in with two factors.
/// </summary>
public sealed partial class SecurityOptions : IValidatableObject
{
    public const string SectionName = "Security";

    /// <summary>
    /// A browser session without any action for this many minutes is over (fractions allowed, e.g. 0.5): the open tab
    /// signs out, and the server refuses the cookie (HIPAA 164.312(a)(2)(iii), automatic logoff).
    /// </summary>
    [Range(0.05, 24 * 60)]
    public double IdleTimeoutMinutes { get; set; } = 15;

    /// <summary>
    /// A session ends this many hours after its sign-in, however active: the browser's cookie, and an API sign-in with all
    /// its refreshes. Then the password (and second factor) are asked for again.
    /// </summary>
    [Range(1, 24 * 7)]
    public int SessionHours { get; set; } = 12;

    /// <summary>Bearer access tokens from <c>POST /api/v1/auth/login</c> expire after this many minutes.</summary>
    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 60;

    /// <summary>
    /// Roles whose members must set up two-factor sign-in before they can work: role names separated by commas, or
    /// empty for none. One text rather than a list, because a configured list can add to a default but never empty it.
    /// Until they have set it up, members reach only the two-factor set-up pages (and sign out), and the API refuses
    /// their tokens with a 403 that says why.
    /// </summary>
    public string RequireTwoFactorRoles { get; set; } = RoleNames.Admin;

    /// <summary>The roles of <see cref="RequireTwoFactorRoles"/>, one by one.</summary>
    public IReadOnlyList<string> TwoFactorRoles =>
        string.IsNullOrWhiteSpace(RequireTwoFactorRoles) ? [] : RequireTwoFactorRoles.Split(',', StringSplitOptions.TrimEntries);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var role in TwoFactorRoles.Where(r => !RoleName().IsMatch(r)))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(RequireTwoFactorRoles)}: '{role}' is not a role name (2 to 40 letters, digits, spaces or hyphens, starting with a letter); separate role names with commas.",
                [nameof(RequireTwoFactorRoles)]);
        }
    }

    /// <summary>What RoleService accepts as the name of a role.</summary>
    [GeneratedRegex(@"^\p{L}[\p{L}0-9 -]{1,39}\z")]
    private static partial Regex RoleName();
}
