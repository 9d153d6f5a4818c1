using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Export;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Providers.SqlServer;

/// <summary>SQL Server stores instants (<c>datetimeoffset</c>) and dates (<c>date</c>) natively: no conventions of its own.</summary>
public sealed class SqlServerCatalogDbContext(DbContextOptions<SqlServerCatalogDbContext> options) : CatalogDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // Index filters are raw SQL: SQL Server's own quoting, which works whatever QUOTED_IDENTIFIER the script runs with.
        builder.Entity<ExtractionRunRow>().HasIndex(r => r.StudyId, "IX_ExtractionRuns_OneUnfinishedPerStudy")
            .HasFilter("[Status] <> 'Completed'");
    }
}
