namespace MedicalPortal.Data.Identity;

/// <summary>
/// One API sign-in (<c>ApiSessions</c>): the account, the security stamp it signed in with, and an absolute end. Every
/// access token issued in it names it (<see cref="PortalClaimTypes.Session"/>), so ending it ends them all.
/// </summary>
internal sealed class ApiSessionRow
{
    public Guid Id { get; set; }

    public string AccountId { get; set; } = "";

    public string SecurityStamp { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The absolute end: no refresh continues the session past it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Why it ended before <see cref="ExpiresAt"/>: <c>signed-out</c>, <c>reused</c> (a refresh token used twice), <c>revoked</c>.</summary>
    public string? EndReason { get; set; }
}

/// <summary>
/// A refresh token of a session (<c>ApiRefreshTokens</c>), kept as the SHA-256 of the token (the token itself is never
/// stored). Used once: <see cref="UsedAt"/> is set by the refresh that spends it.
/// </summary>
internal sealed class ApiRefreshTokenRow
{
    public string Hash { get; set; } = "";

    public Guid SessionId { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }
}
