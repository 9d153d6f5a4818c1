namespace MedicalPortal.Data.Accounts;

/// <summary>
/// The two kinds of lock an account can carry in Identity's <c>LockoutEnd</c>. An administrator's lock has no end
/// (<see cref="DateTimeOffset.MaxValue"/>): it closes the account and ends its sessions and tokens. Identity's lockout
/// after failed sign-ins ends after a quarter of an hour and only refuses new sign-ins: anybody on the internet can
/// cause it by typing wrong passwords, so it must never end the sessions the account's owner already has.
/// </summary>
public static class AccountLock
{
    /// <summary>The end an administrator's lock is stored with.</summary>
    public static readonly DateTimeOffset ByAdministrator = DateTimeOffset.MaxValue;

    /// <summary>
    /// Any end from here on is an administrator's lock: the stored value is compared against a bound, not for equality,
    /// so that a provider rounding the last fraction of <see cref="DateTimeOffset.MaxValue"/> still counts.
    /// </summary>
    public static readonly DateTimeOffset AdministratorLockFrom = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Whether <paramref name="lockoutEnd"/> is an administrator's lock.</summary>
    public static bool IsClosedByAdministrator(DateTimeOffset? lockoutEnd) => lockoutEnd >= AdministratorLockFrom;
}
