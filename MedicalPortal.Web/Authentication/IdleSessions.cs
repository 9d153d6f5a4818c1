using Microsoft.AspNetCore.Components.Server.Circuits;

namespace MedicalPortal.Web.Authentication;

/// <summary>When the user of this circuit last did something (a click, a key, a form field): one per circuit.</summary>
internal sealed class CircuitActivity(TimeProvider clock)
{
    public DateTimeOffset LastActivity { get; private set; } = clock.GetUtcNow();

    public void Touch() => LastActivity = clock.GetUtcNow();
}

/// <summary>Every message from the browser counts as activity for <see cref="CircuitActivity"/>.</summary>
internal sealed class ActivityCircuitHandler(CircuitActivity activity) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(
        Func<CircuitInboundActivityContext, Task> next) =>
        context =>
        {
            activity.Touch();
            return next(context);
        };
}
