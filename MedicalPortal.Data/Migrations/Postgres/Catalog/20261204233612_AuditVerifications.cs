using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedicalPortal.Data.Migrations.Postgres.Catalog
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
                    Database = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Entries = table.Column<long>(type: "bigint", nullable: false),
                    Problem = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    ProblemSequence = table.Column<long>(type: "bigint", nullable: true),
                    CheckedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CheckedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
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
