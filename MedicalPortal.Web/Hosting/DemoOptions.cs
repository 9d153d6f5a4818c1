using System.ComponentModel.DataAnnotations;
using MedicalPortal.Data.Seeding;

namespace MedicalPortal.Web.Hosting;

/// <summary><c>Demo</c> configuration. Demo data is only ever seeded in the Development environment.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Seed the demo accounts and patients at start (Development only).</summary>
    public bool Seed { get; set; } = true;

    /// <summary>The password of every demo account.</summary>
    [Required]
    [MinLength(12)]
    public string Password { get; set; } = DemoAccounts.DefaultPassword;
}
