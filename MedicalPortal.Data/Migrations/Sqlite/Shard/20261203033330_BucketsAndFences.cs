using System;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedicalPortal.Data.Migrations.Sqlite.Shard
{
    /// <inheritdoc />
    public partial class BucketsAndFences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Rows stored before this migration get their bucket from BucketBackfill once the shard is migrated.
            migrationBuilder.AddColumn<int>(
                name: "Bucket",
                table: "Visits",
                type: "INTEGER",
                nullable: false,
                defaultValue: BucketBackfill.NotComputed);

            migrationBuilder.AddColumn<int>(
                name: "Bucket",
                table: "Patients",
                type: "INTEGER",
                nullable: false,
                defaultValue: BucketBackfill.NotComputed);

            migrationBuilder.AddColumn<int>(
                name: "Bucket",
                table: "Enrollments",
                type: "INTEGER",
                nullable: false,
                defaultValue: BucketBackfill.NotComputed);

            migrationBuilder.CreateTable(
                name: "ArchivedAuditLog",
                columns: table => new
                {
                    Database = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Timestamp = table.Column<string>(type: "TEXT", nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Resource = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ResourceId = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    PatientId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Changes = table.Column<string>(type: "TEXT", nullable: false),
                    PatientIds = table.Column<string>(type: "TEXT", nullable: false),
                    CorrelationId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    PreviousHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Hash = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ArchivedAuditLog", x => new { x.Database, x.Sequence });
                });

            migrationBuilder.CreateTable(
                name: "BucketFences",
                columns: table => new
                {
                    FirstBucket = table.Column<int>(type: "INTEGER", nullable: false),
                    LastBucket = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    MoveId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BucketFences", x => x.FirstBucket);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Visits_Bucket",
                table: "Visits",
                column: "Bucket");

            migrationBuilder.CreateIndex(
                name: "IX_Patients_Bucket",
                table: "Patients",
                column: "Bucket");

            migrationBuilder.CreateIndex(
                name: "IX_Enrollments_Bucket",
                table: "Enrollments",
                column: "Bucket");

            migrationBuilder.CreateIndex(
                name: "IX_ArchivedAuditLog_PatientId",
                table: "ArchivedAuditLog",
                column: "PatientId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ArchivedAuditLog");

            migrationBuilder.DropTable(
                name: "BucketFences");

            migrationBuilder.DropIndex(
                name: "IX_Visits_Bucket",
                table: "Visits");

            migrationBuilder.DropIndex(
                name: "IX_Patients_Bucket",
                table: "Patients");

            migrationBuilder.DropIndex(
                name: "IX_Enrollments_Bucket",
                table: "Enrollments");

            migrationBuilder.DropColumn(
                name: "Bucket",
                table: "Visits");

            migrationBuilder.DropColumn(
                name: "Bucket",
                table: "Patients");

            migrationBuilder.DropColumn(
                name: "Bucket",
                table: "Enrollments");
        }
    }
}
