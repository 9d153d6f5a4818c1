using Microsoft.AspNetCore.Components.Server.Circuits;

namespace MedicalPortal.Web.Authentication;

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
