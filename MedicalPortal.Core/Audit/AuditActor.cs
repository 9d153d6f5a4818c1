using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Audit;

/// <summary>Who an audit entry names: the account id and the name shown at the time.</summary>
public sealed record AuditActor(string? AccountId, string Name)
{
    /// <summary>Changes made by the portal itself (seeding, scheduled jobs, migrations).</summary>
    public static AuditActor System { get; } = new(null, "system");

    public static AuditActor Of(ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsAuthenticated
            ? new AuditActor(user.AccountId, user.UserName ?? user.AccountId ?? "unknown")
            : new AuditActor(null, "anonymous");
    }
}
