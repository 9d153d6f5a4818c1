namespace MedicalPortal.Web.Authentication;

/// <summary>When the user of this circuit last did something (a click, a key, a form field): one per circuit.</summary>
internal sealed class CircuitActivity(TimeProvider clock)
{
    public DateTimeOffset LastActivity { get; private set; } = clock.GetUtcNow();

    public void Touch() => LastActivity = clock.GetUtcNow();
}
