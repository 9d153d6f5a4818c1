using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Providers.Sqlite;

public sealed class SqliteShardDbContext(DbContextOptions<SqliteShardDbContext> options) : ShardDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        SqliteConventions.Apply(configurationBuilder);
    }
}
