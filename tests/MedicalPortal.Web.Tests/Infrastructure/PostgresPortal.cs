using MedicalPortal.Data;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// A <see cref="PortalFactory"/> on fresh PostgreSQL databases of this run's servers, for the test classes that run on
/// PostgreSQL as well as on SQLite. It starts at once, so a portal that cannot start fails its classes once, with the
/// reason, and its databases are dropped after it stopped.
/// </summary>
public sealed class PostgresPortal : IAsyncLifetime, IAsyncDisposable
{
    private TestDatabases? _databases;
    private PortalFactory? _portal;

    public PortalFactory Portal => _portal ?? throw new InvalidOperationException("The PostgreSQL portal is not initialized.");

    public async Task InitializeAsync()
    {
        _databases = await TestDatabases.CreateAsync(DatabaseProvider.Postgres);
        _portal = new PortalFactory { Databases = _databases };
        await Task.Run(_portal.StartServer);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Stops the portal, then drops its databases.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_portal is { } portal)
        {
            _portal = null;
            await portal.DisposeAsync();
        }

        if (_databases is { } databases)
        {
            _databases = null;
            await databases.DisposeAsync();
        }
    }
}
