using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Providers.SqlServer;

/// <summary>SQL Server's <c>datetimeoffset</c>, <c>date</c> and <c>rowversion</c>-free version columns need no conventions of their own.</summary>
public sealed class SqlServerCatalogDbContext(DbContextOptions<SqlServerCatalogDbContext> options) : CatalogDbContext(options);
