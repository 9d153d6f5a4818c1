using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Providers.Postgres;

public sealed class PostgresShardDbContext(DbContextOptions<PostgresShardDbContext> options) : ShardDbContext(options)
{
    /// <summary>PostgreSQL's "C" collation compares the UTF-8 bytes, which is code point order, whatever the database's locale.</summary>
    protected override string? BinaryCollation => "C";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        PostgresConventions.Apply(configurationBuilder);
    }
}
