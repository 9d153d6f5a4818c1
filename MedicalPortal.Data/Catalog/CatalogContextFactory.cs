using MedicalPortal.Data.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Catalog;

/// <summary>One catalog context per operation, of the configured provider's subclass.</summary>
internal sealed class CatalogContextFactory(DatabaseProviderServices provider, string connectionString)
    : IDbContextFactory<CatalogDbContext>
{
    private readonly DbContextOptions _options = provider.CatalogOptions(connectionString);

    public CatalogDbContext CreateDbContext() => provider.NewCatalog(_options);
}
