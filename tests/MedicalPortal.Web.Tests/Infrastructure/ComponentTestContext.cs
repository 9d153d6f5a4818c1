using Bunit;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// A bUnit context that xunit disposes asynchronously. MudBlazor registers services that implement only
/// <see cref="IAsyncDisposable"/>, which a synchronous <see cref="IDisposable.Dispose"/> of the container refuses.
/// </summary>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
