using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Providers.Sqlite;

public sealed class SqliteCatalogDbContext(DbContextOptions<SqliteCatalogDbContext> options) : CatalogDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        SqliteConventions.Apply(configurationBuilder);
    }
}
