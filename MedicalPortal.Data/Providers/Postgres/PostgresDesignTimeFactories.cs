using MedicalPortal.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MedicalPortal.Data.Providers.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL catalog model without a server.</summary>
internal sealed class PostgresCatalogDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCatalogDbContext>
{
    public PostgresCatalogDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCatalogDbContext>().UseIdentitySchema().UseNpgsql("Host=localhost;Database=design_time_catalog").Options);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL shard model without a server.</summary>
internal sealed class PostgresShardDesignTimeFactory : IDesignTimeDbContextFactory<PostgresShardDbContext>
{
    public PostgresShardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresShardDbContext>().UseNpgsql("Host=localhost;Database=design_time_shard").Options);
}
