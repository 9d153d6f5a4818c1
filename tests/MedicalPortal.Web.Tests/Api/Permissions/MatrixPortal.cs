using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Permissions;

/// <summary>
/// A portal for a matrix test class: one signed-in client per seeded role (tokens issued once, reused by every case)
/// and the record linked to patient@clinic.test, found the way that account finds it.
/// </summary>
public sealed class MatrixPortal : IAsyncLifetime, IDisposable
{
    private readonly Dictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);
    private MatrixProbe? _probe;

    public PortalFactory Factory { get; } = new();

    public HttpClient Admin => ClientFor(RoleNames.Admin);

    internal MatrixProbe Probe => _probe ?? throw new InvalidOperationException("The portal is not initialized.");

    public HttpClient ClientFor(string role) => _clients[role];

    public async Task InitializeAsync()
    {
        foreach (var (role, email) in DemoUsers.ByRole)
        {
            _clients[role] = await Factory.CreateClientForAsync(email);
        }

        var own = await ClientFor(RoleNames.Patient).GetFromJsonAsync<JsonElement>("/api/v1/patients");
        var items = own.GetProperty("items");
        if (items.GetArrayLength() != 1)
        {
            throw new InvalidOperationException($"patient@clinic.test should find exactly its own record; it found {items.GetArrayLength()}.");
        }

        _probe = new MatrixProbe(Admin, items[0].Id());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        Factory.Dispose();
    }
}
