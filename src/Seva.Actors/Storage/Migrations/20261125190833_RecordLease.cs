using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Seva.Actors.Storage.Migrations
{
    /// <inheritdoc />
    public partial class RecordLease : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "host_id",
                table: "transcriptions",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "lease_expires_at",
                table: "transcriptions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_transcriptions_status",
                table: "transcriptions",
                column: "status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_transcriptions_status",
                table: "transcriptions");

            migrationBuilder.DropColumn(
                name: "host_id",
                table: "transcriptions");

            migrationBuilder.DropColumn(
                name: "lease_expires_at",
                table: "transcriptions");
        }
    }
}
