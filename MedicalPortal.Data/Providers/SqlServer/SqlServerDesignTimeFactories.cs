using MedicalPortal.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MedicalPortal.Data.Providers.SqlServer;

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQL Server catalog model without a server.</summary>
internal sealed class SqlServerCatalogDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerCatalogDbContext>
{
    public SqlServerCatalogDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerCatalogDbContext>().UseIdentitySchema().UseSqlServer("Server=localhost;Database=design_time_catalog").Options);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQL Server shard model without a server.</summary>
internal sealed class SqlServerShardDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerShardDbContext>
{
    public SqlServerShardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerShardDbContext>().UseSqlServer("Server=localhost;Database=design_time_shard").Options);
}
