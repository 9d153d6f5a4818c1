using MedicalPortal.Data.Providers;
using MedicalPortal.Data.Providers.Postgres;
using MedicalPortal.Data.Providers.Sqlite;
using MedicalPortal.Data.Providers.SqlServer;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MedicalPortal.Data.Tests.Providers;

/// <summary>
/// What each provider's contexts are built with: server databases retry transient failures and keep this node's pool
/// per database bounded (unless the connection string says otherwise); the embedded SQLite does neither. No server is
/// needed to build a context, only to open one.
/// </summary>
public sealed class ProviderServicesTests
{
    private static readonly DatabaseOptions Options = new() { MaxPoolSize = 17, MaxRetryCount = 4 };

    [Fact]
    public void PostgresContexts_NoPoolSizeGiven_BoundedByTheSettingAndRetrying()
    {
        var provider = new PostgresProviderServices(Options, [], NullLoggerFactory.Instance);

        using var catalog = provider.NewCatalog(provider.CatalogOptions("Host=db;Database=catalog;Username=portal"));
        using var shard = provider.NewShard(provider.ShardOptions("shard-0", "Host=db;Database=shard_0;Username=portal", availability: null));

        foreach (var context in new DbContext[] { catalog, shard })
        {
            Assert.Equal(17, new NpgsqlConnectionStringBuilder(context.Database.GetConnectionString()).MaxPoolSize);
            Assert.True(context.Database.CreateExecutionStrategy().RetriesOnFailure);
            Assert.Equal(Options.CommandTimeoutSeconds, context.Database.GetCommandTimeout());
        }
    }

    [Theory]
    [InlineData("Host=db;Database=catalog;Maximum Pool Size=5")]
    [InlineData("Host=db;Database=catalog;MaxPoolSize=5")]
    public void PostgresCatalog_PoolSizeInTheConnectionString_Kept(string connectionString)
    {
        var provider = new PostgresProviderServices(Options, [], NullLoggerFactory.Instance);

        using var catalog = provider.NewCatalog(provider.CatalogOptions(connectionString));

        Assert.Equal(5, new NpgsqlConnectionStringBuilder(catalog.Database.GetConnectionString()).MaxPoolSize);
    }

    [Theory]
    [InlineData("Server=db;Database=catalog", 17)]
    [InlineData("Server=db;Database=catalog;Max Pool Size=5", 5)]
    public void SqlServerCatalog_PoolBoundedUnlessGivenAndRetrying(string connectionString, int expected)
    {
        var provider = new SqlServerProviderServices(Options, [], NullLoggerFactory.Instance);

        using var catalog = provider.NewCatalog(provider.CatalogOptions(connectionString));

        Assert.Equal(expected, new SqlConnectionStringBuilder(catalog.Database.GetConnectionString()).MaxPoolSize);
        Assert.True(catalog.Database.CreateExecutionStrategy().RetriesOnFailure);
    }

    [Fact]
    public void SqliteShard_EmbeddedDefault_DoesNotRetry()
    {
        var directory = Path.Combine(Path.GetTempPath(), "medicalportal-tests", Guid.NewGuid().ToString("N"));
        var provider = new SqliteProviderServices(directory, [], NullLoggerFactory.Instance);

        using var shard = provider.NewShard(provider.ShardOptions("shard-0", "Data Source=shard-0.db", availability: null));

        Assert.False(shard.Database.CreateExecutionStrategy().RetriesOnFailure);
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres, "Host=db;Database=x", null)]
    [InlineData(DatabaseProvider.Postgres, "Host=db", "names no Database")]
    [InlineData(DatabaseProvider.Postgres, "Server=db;Database=x;Trusted_Connection=True", "is not a PostgreSQL connection string")]
    [InlineData(DatabaseProvider.SqlServer, "Server=db;Database=x", null)]
    [InlineData(DatabaseProvider.SqlServer, "Host=db;Database=x", "is not a SQL Server connection string")]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=data/catalog.db", null)]
    [InlineData(DatabaseProvider.Sqlite, "Host=db", "is not a SQLite connection string")]
    public void Validator_Catalog_ReadWithTheProvidersOwnParser(DatabaseProvider provider, string catalog, string? problem)
    {
        var options = new DatabaseOptions
        {
            Provider = provider,
            Catalog = catalog,
            Shards = [new ShardConnection { Name = "shard-0", ConnectionString = provider == DatabaseProvider.Sqlite ? "Data Source=s.db" : catalog }],
        };

        var result = new DatabaseOptionsValidator().Validate(null, options);

        if (problem is null)
        {
            Assert.True(result.Succeeded, result.FailureMessage);
        }
        else
        {
            Assert.Contains($"Database:Catalog {problem}", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.SqlServer)]
    public void Validator_ServerProviderWithoutShards_AsksForThem(DatabaseProvider provider)
    {
        var options = new DatabaseOptions
        {
            Provider = provider,
            Catalog = provider == DatabaseProvider.Postgres ? "Host=db;Database=c" : "Server=db;Database=c",
        };

        var result = new DatabaseOptionsValidator().Validate(null, options);

        Assert.Contains($"Database:Shards must name the shard databases when the provider is {provider}", result.FailureMessage, StringComparison.Ordinal);
    }
}
