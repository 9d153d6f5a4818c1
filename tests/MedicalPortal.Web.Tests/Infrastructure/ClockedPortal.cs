using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// A portal on a fake clock that starts at a fixed whole second, for test classes that let tokens expire without
/// waiting. Tokens record their expiry to the second, so tests move the clock in whole seconds.
/// </summary>
public sealed class ClockedPortal : IDisposable
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public PortalFactory Portal { get; }

    public ClockedPortal() => Portal = new PortalFactory { Clock = Clock };

    public void Dispose() => Portal.Dispose();
}
