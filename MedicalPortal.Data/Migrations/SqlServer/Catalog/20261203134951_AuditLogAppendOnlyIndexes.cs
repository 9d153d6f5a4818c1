using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedicalPortal.Data.Migrations.SqlServer.Catalog
{
    /// <inheritdoc />
    public partial class AuditLogAppendOnlyIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditLog_PatientId",
                table: "AuditLog");

            migrationBuilder.DropIndex(
                name: "IX_AuditLog_Resource_ResourceId",
                table: "AuditLog");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AuditLog_PatientId",
                table: "AuditLog",
                column: "PatientId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditLog_Resource_ResourceId",
                table: "AuditLog",
                columns: new[] { "Resource", "ResourceId" });
        }
    }
}
