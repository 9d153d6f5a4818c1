using MedicalPortal.Data;
using MedicalPortal.Testing;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// Fresh databases for one test installation, on the provider a test class runs on: the SQLite files of a new temporary
/// folder, or new databases on this run's PostgreSQL servers (<see cref="TestPostgres"/>). Disposing removes them, so
/// dispose only after every host on them has stopped.
/// </summary>
public sealed class TestDatabases : IAsyncDisposable
{
    private readonly Func<ValueTask> _remove;

    private TestDatabases(IReadOnlyDictionary<string, string?> settings, Func<ValueTask> remove)
    {
        Settings = settings;
        _remove = remove;
    }

    /// <summary>The <c>Database:*</c> settings of a catalog and <see cref="TestDatabaseSettings.ShardCount"/> shards.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public static async Task<TestDatabases> CreateAsync(DatabaseProvider provider, CancellationToken cancellationToken = default)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                var directory = TestDatabaseSettings.NewDirectory();
                return new TestDatabases(TestDatabaseSettings.For(directory), () =>
                {
                    TestDatabaseSettings.Delete(directory);
                    return ValueTask.CompletedTask;
                });
            case DatabaseProvider.Postgres:
                var postgres = await TestPostgres.CreateAsync(TestDatabaseSettings.ShardCount, cancellationToken);
                return new TestDatabases(postgres.Settings, postgres.DisposeAsync);
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "The tests have no servers of this provider.");
        }
    }

    public ValueTask DisposeAsync() => _remove();
}
