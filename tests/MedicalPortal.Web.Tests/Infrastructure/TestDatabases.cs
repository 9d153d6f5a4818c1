using System.Security.Cryptography;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Keys;
using MedicalPortal.Data;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.KeyRing;
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

    /// <summary>
    /// The <c>Database:*</c> settings of a catalog and <see cref="TestDatabaseSettings.ShardCount"/> shards. On a server,
    /// also where the files of the data folder go: the portal keeps that folder next to a SQLite catalog, else under its
    /// content root, which in these tests is the project's folder in the source tree. So the extraction files go to a
    /// temporary folder, and the audit and pseudonym keys and the key ring's certificate are set rather than generated there.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public static async Task<TestDatabases> CreateAsync(DatabaseProvider provider, CancellationToken cancellationToken = default)
    {
        var directory = TestDatabaseSettings.NewDirectory();
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                return new TestDatabases(TestDatabaseSettings.For(directory), () =>
                {
                    TestDatabaseSettings.Delete(directory);
                    return ValueTask.CompletedTask;
                });
            case DatabaseProvider.Postgres:
                PostgresDatabases postgres;
                try
                {
                    postgres = await TestPostgres.CreateAsync(TestDatabaseSettings.ShardCount, cancellationToken);
                }
                catch
                {
                    TestDatabaseSettings.Delete(directory);
                    throw;
                }

                var settings = new Dictionary<string, string?>(postgres.Settings, StringComparer.Ordinal)
                {
                    [$"{ExportOptions.SectionName}:{nameof(ExportOptions.Directory)}"] = Path.Combine(directory, "exports"),
                    [AuditOptions.HmacKeySetting.Path] = NewKey(),
                    [ExportOptions.PseudonymKeySetting.Path] = NewKey(),
                    [KeyRingOptions.CertificateSetting] = TestCertificates.NewPem(),
                };
                return new TestDatabases(settings, async () =>
                {
                    await postgres.DisposeAsync();
                    TestDatabaseSettings.Delete(directory);
                });
            default:
                TestDatabaseSettings.Delete(directory);
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "The tests have no servers of this provider.");
        }
    }

    public ValueTask DisposeAsync() => _remove();

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretKeySetting.MinimumBytes));
}
