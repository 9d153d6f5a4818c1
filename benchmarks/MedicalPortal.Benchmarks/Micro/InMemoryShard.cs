using MedicalPortal.Data.Providers.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Benchmarks.Micro;

/// <summary>A shard's schema in an in-memory SQLite database, for the micro-benchmarks that run real statements.</summary>
internal sealed class InMemoryShard : IDisposable
{
    private readonly SqliteConnection _connection;

    public InMemoryShard()
    {
        _connection = new SqliteConnection("Data Source=:memory:");
        _connection.Open();
        Context = new SqliteShardDbContext(new DbContextOptionsBuilder<SqliteShardDbContext>().UseSqlite(_connection).Options);
        Context.Database.EnsureCreated();
    }

    /// <summary>The shard's context, on the one connection that holds the database.</summary>
    public SqliteShardDbContext Context { get; }

    public void Dispose()
    {
        Context.Dispose();
        _connection.Dispose();
    }
}
