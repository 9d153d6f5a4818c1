using MedicalPortal.Data.Providers.Postgres;
using MedicalPortal.Data.Providers.Sqlite;
using MedicalPortal.Data.Providers.SqlServer;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace MedicalPortal.Data.Tests.Providers;

/// <summary>
/// What each provider's migrations would do to a server, read from the idempotent scripts an operator applies
/// (<c>dotnet ef migrations script --idempotent</c>). SQL Server cannot run on these machines, so this and the model
/// checks are what its migrations are held to (docs/decisions/0020); PostgreSQL's also run for real in every
/// integration test.
/// </summary>
public sealed class MigrationScriptTests
{
    public static TheoryData<string> Contexts => ["SqliteCatalog", "SqliteShard", "PostgresCatalog", "PostgresShard", "SqlServerCatalog", "SqlServerShard"];

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Model_EveryProviderAndContext_HasNoChangesMissingAMigration(string name)
    {
        using var context = Create(name);

        Assert.False(context.Database.HasPendingModelChanges(), $"{name}: the model has changed since its last migration.");
    }

    [Fact]
    public void SqlServerShardScript_Idempotent_HasAuditTablesBinarySortColumnsAndVersionTokens()
    {
        var script = IdempotentScript(Create("SqlServerShard"));

        Assert.Contains("IF NOT EXISTS (\n    SELECT * FROM [__EFMigrationsHistory]", script.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [AuditLog]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [AuditChainHead]", script, StringComparison.Ordinal);
        Assert.Contains("[Hash] varbinary(max) NOT NULL", script, StringComparison.Ordinal);
        foreach (var column in new[] { "[Mrn] nvarchar(20)", "[GivenNameKey] nvarchar(100)", "[FamilyNameKey] nvarchar(100)" })
        {
            Assert.Contains($"{column} COLLATE Latin1_General_100_BIN2 NOT NULL", script, StringComparison.Ordinal);
        }

        Assert.Equal(3, Occurrences(script, "[Version] int NOT NULL")); // patients, visits, enrollments
        Assert.Contains("ON [Enrollments] ([StudyId], [PatientId]) WHERE [WithdrawnAt] IS NULL", script, StringComparison.Ordinal);
        Assert.DoesNotContain("\"", script, StringComparison.Ordinal); // no identifier that needs QUOTED_IDENTIFIER ON
    }

    [Fact]
    public void SqlServerCatalogScript_Idempotent_HasAuditTablesIdentityAndTheDataProtectionKeyRing()
    {
        var script = IdempotentScript(Create("SqlServerCatalog"));

        Assert.Contains("CREATE TABLE [AuditLog]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [AuditChainHead]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [AspNetUsers]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [DataProtectionKeys]", script, StringComparison.Ordinal);
        Assert.Contains("[Id] int NOT NULL IDENTITY", script, StringComparison.Ordinal);
        Assert.Contains("CONSTRAINT [PK_MrnReservations] PRIMARY KEY ([Mrn])", script, StringComparison.Ordinal);
        Assert.Contains("[Version] int NOT NULL", script, StringComparison.Ordinal); // studies
        Assert.Contains("ON [ExtractionRuns] ([StudyId]) WHERE [Status] <> ''Completed''", script, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresShardScript_Idempotent_SortsNameKeysInTheCCollation()
    {
        var script = IdempotentScript(Create("PostgresShard"));

        Assert.Contains("CREATE TABLE \"AuditLog\"", script, StringComparison.Ordinal);
        foreach (var column in new[] { "\"Mrn\" character varying(20)", "\"GivenNameKey\" character varying(100)", "\"FamilyNameKey\" character varying(100)" })
        {
            Assert.Contains($"{column} COLLATE \"C\" NOT NULL", script, StringComparison.Ordinal);
        }

        Assert.Contains("\"Timestamp\" timestamp with time zone NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("\"BirthDate\" date NOT NULL", script, StringComparison.Ordinal);
    }

    private static string IdempotentScript(DbContext context)
    {
        using (context)
        {
            return context.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        }
    }

    private static int Occurrences(string text, string value) =>
        (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    /// <summary>Each context as the EF tools build it: no server is needed to build a model or script a migration.</summary>
    private static DbContext Create(string name) => name switch
    {
        "SqliteCatalog" => new SqliteCatalogDesignTimeFactory().CreateDbContext([]),
        "SqliteShard" => new SqliteShardDesignTimeFactory().CreateDbContext([]),
        "PostgresCatalog" => new PostgresCatalogDesignTimeFactory().CreateDbContext([]),
        "PostgresShard" => new PostgresShardDesignTimeFactory().CreateDbContext([]),
        "SqlServerCatalog" => new SqlServerCatalogDesignTimeFactory().CreateDbContext([]),
        "SqlServerShard" => new SqlServerShardDesignTimeFactory().CreateDbContext([]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
