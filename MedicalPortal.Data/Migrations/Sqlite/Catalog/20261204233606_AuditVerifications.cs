using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedicalPortal.Data.Migrations.Sqlite.Catalog
{
    /// <inheritdoc />
    public partial class AuditVerifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditVerifications",
                columns: table => new
                {
                    Database = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Entries = table.Column<long>(type: "INTEGER", nullable: false),
                    Problem = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    ProblemSequence = table.Column<long>(type: "INTEGER", nullable: true),
                    CheckedAt = table.Column<string>(type: "TEXT", nullable: false),
                    CheckedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditVerifications", x => x.Database);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditVerifications");
        }
    }
}
