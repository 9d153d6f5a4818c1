using MedicalPortal.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MedicalPortal.Data.Providers.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite catalog model without a running host.</summary>
internal sealed class SqliteCatalogDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCatalogDbContext>
{
    public SqliteCatalogDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCatalogDbContext>().UseIdentitySchema().UseSqlite("Data Source=design-time-catalog.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite shard model without a running host.</summary>
internal sealed class SqliteShardDesignTimeFactory : IDesignTimeDbContextFactory<SqliteShardDbContext>
{
    public SqliteShardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteShardDbContext>().UseSqlite("Data Source=design-time-shard.db").Options);
}
