using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Providers.SqlServer;

public sealed class SqlServerShardDbContext(DbContextOptions<SqlServerShardDbContext> options) : ShardDbContext(options)
{
    /// <summary>
    /// A <c>_BIN2</c> collation compares <c>nvarchar</c> by UTF-16 code unit: code point order for every character
    /// of the Basic Multilingual Plane, which name keys are in practice (docs/decisions/0020).
    /// </summary>
    protected override string? BinaryCollation => "Latin1_General_100_BIN2";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // Index filters are raw SQL: SQL Server's own quoting, which works whatever QUOTED_IDENTIFIER the script runs with.
        modelBuilder.Entity<Enrollment>().HasIndex(e => new { e.StudyId, e.PatientId }, "IX_Enrollments_OneActivePerStudy")
            .HasFilter("[WithdrawnAt] IS NULL");
    }
}
